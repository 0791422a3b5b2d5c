import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error';
import { findInputProblem } from './input-text';

/**
 * Runs before validation on every body, query and route parameter: text PostgreSQL cannot store and
 * JSON nested without bound are a 400 naming the field, never a 500 from the database or the validator.
 */
@Injectable()
export class InputTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const found = findInputProblem(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (found) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${found.field}: ${found.problem}`, [
        { field: found.field, problems: [found.problem] },
      ]);
    }
    return value;
  }
}
