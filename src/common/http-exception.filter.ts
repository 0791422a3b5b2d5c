import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ERROR_STATUS, ErrorCode } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: unknown;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  412: ErrorCode.PRECONDITION_FAILED,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  422: ErrorCode.UNPROCESSABLE,
  429: ErrorCode.TOO_MANY_REQUESTS,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Errors raised by Express's body parser before any controller runs. */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((word) => word[0].toUpperCase() + word.slice(1))
        .join(' ')
    : 'Error';
}

/** The one place errors become HTTP answers: `{ statusCode, error, code, message, details? }`; 500s say nothing inside. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = ERROR_STATUS[exception.code];
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException && isBodyParserError(exception.cause)) {
      return this.toBody(exception.cause);
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const answer = exception.getResponse();
      const payload =
        typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
      const message = typeof answer === 'string' ? answer : String(payload.message ?? exception.message);
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        code:
          typeof payload.code === 'string'
            ? payload.code
            : (CODE_BY_STATUS[statusCode] ?? ErrorCode.INTERNAL),
        message,
        ...(payload.details === undefined ? {} : { details: payload.details }),
      };
    }
    if (isBodyParserError(exception) && exception.status >= 400 && exception.status < 500) {
      const statusCode = exception.status;
      const message =
        exception.type === 'entity.parse.failed'
          ? 'the body is not valid JSON'
          : exception.type === 'entity.too.large'
            ? 'the body is larger than 1 MiB'
            : exception.message;
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        code: CODE_BY_STATUS[statusCode] ?? ErrorCode.VALIDATION_FAILED,
        message,
      };
    }
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      code: ErrorCode.INTERNAL,
      message: 'something went wrong on our side',
    };
  }
}
