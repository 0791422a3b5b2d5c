import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import {
  AdapterError,
  AdapterErrorCode,
  type AdapterAction,
  type AdapterContext,
  type NormalizedCase,
  type ReturnAddress,
  type TicketForAction,
} from '../../adapters/contract';
import { decimalToMinor, minorToDecimal } from '../../adapters/shared/money';
import type { Page } from '../common/cursor';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import { describeUpstreamFailure } from '../common/upstream-failure';
import { failureDecision } from '../common/failure-policy';
import type { PageQuery } from '../common/dto/page.query';
import { keysetPage } from '../common/keyset-page';
import { AdapterRegistry } from '../connections/adapter-registry.service';
import { ConnectionsService, type ResolvedConnection } from '../connections/connections.service';
import { RateLimiterFactory } from '../connections/rate-limiter.factory';
import { JobName, QueueName } from '../queue/queue.constants';
import { SlaService } from '../sla/sla.service';
import { CaseSyncService } from '../tickets/case-sync.service';
import type { Ticket } from '../tickets/ticket.model';
import { TicketRepository } from '../tickets/ticket.repository';
import type { ActorType } from '../tickets/ticket-vocabulary';
import { recordPushback, recordRateLimitWait } from '../operations/hub-metrics';
import { OutboxService } from '../webhooks/outbox.service';
import { DECISION_KEYS, decisionScope, decisionTookEffect } from './action-rules';
import { toActionView, type ActionView } from './action-view';
import { Action } from './action.entity';
import type { CreateActionDto } from './dto/create-action.dto';

export interface Actor {
  type: ActorType;
  id: string | null;
}

export interface PerformActionJob {
  actionId: string;
}

/** Raised to make Bull retry the job after the delay the adapter asked for. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Beyond this wait for its connection's budget, an action yields its worker slot instead of holding it. */
const MAX_INLINE_RATE_WAIT_MS = 2_000;
const MAX_ATTEMPTS = 6;

const PARAMS_BY_TYPE: Record<AdapterAction['type'], readonly string[]> = {
  approve_refund: ['amount'],
  refuse_refund: ['reason', 'reasonCode'],
  approve_return: ['returnAddress'],
  refuse_return: ['reason', 'reasonCode'],
  confirm_return_received: [],
  send_message: ['text'],
};

@Injectable()
export class ActionsService {
  private readonly logger = new Logger(ActionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Actions) private readonly queue: Queue<PerformActionJob>,
    private readonly adapters: AdapterRegistry,
    private readonly connections: ConnectionsService,
    private readonly limiters: RateLimiterFactory,
    private readonly caseSync: CaseSyncService,
    private readonly tickets: TicketRepository,
    private readonly outbox: OutboxService,
    private readonly sla: SlaService,
  ) {}

  /**
   * Validates against the platform's capabilities and the ticket's stage, stores the action as pending and
   * queues it. The same idempotency key returns the same action; a second decision of a kind on the same case
   * state, or while one is in flight, is refused.
   */
  async create(
    tenantId: string,
    ticketId: string,
    input: CreateActionDto,
    actor: Actor,
    idempotencyKey: string | null,
  ): Promise<ActionView> {
    if (idempotencyKey) {
      const existing = await this.dataSource
        .getRepository(Action)
        .findOne({ where: { tenantId, idempotencyKey } });
      if (existing) {
        if (existing.ticketId !== ticketId || existing.type !== input.type) {
          throw new DomainError(
            ErrorCode.CONFLICT,
            'this Idempotency-Key was already used for another request',
          );
        }
        return toActionView(existing);
      }
    }
    const ticket = await this.tickets.find(tenantId, ticketId);
    if (!ticket) throw notFound('ticket');
    const params = this.params(input, ticket);
    const { capabilities } = this.adapters.get(ticket.platform);
    if (!capabilities.actions.includes(input.type)) {
      const why = capabilities.unsupportedReasons?.[input.type];
      throw new DomainError(
        ErrorCode.UNPROCESSABLE,
        `${capabilities.displayName} cannot ${input.type.replace(/_/g, ' ')}${why ? `: ${why}` : ''}; it supports: ${capabilities.actions.join(', ') || 'no actions'}`,
      );
    }
    const stages = capabilities.actionStages[input.type];
    if (stages && !stages.includes(ticket.stage)) {
      throw new DomainError(
        ErrorCode.UNPROCESSABLE,
        `the case is ${ticket.stage}; ${input.type} is possible only when it is ${stages.join(', ')}`,
      );
    }
    const decisionKey = DECISION_KEYS[input.type];
    const inserted = (await this.dataSource.query(
      `INSERT INTO actions (tenant_id, ticket_id, connection_id, type, params, idempotency_key, decision_key, decision_scope, actor_type, actor_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        tenantId,
        ticketId,
        ticket.connectionId,
        input.type,
        JSON.stringify(params),
        idempotencyKey,
        decisionKey,
        decisionKey ? decisionScope(ticket) : '',
        actor.type,
        actor.id,
      ],
    )) as { id: string }[];
    if (inserted.length === 0)
      return this.explainConflict(tenantId, ticket, decisionKey, idempotencyKey, input);
    const id = inserted[0].id;
    await this.tickets.appendTimeline([
      {
        tenantId,
        ticketId,
        type: 'action.requested',
        actorType: actor.type,
        actorId: actor.id,
        data: { actionId: id, type: input.type, params },
      },
    ]);
    await this.enqueue(id);
    return this.view(tenantId, id);
  }

  async view(tenantId: string, id: string): Promise<ActionView> {
    const action = await this.dataSource.getRepository(Action).findOne({ where: { id, tenantId } });
    if (!action) throw notFound('action');
    return toActionView(action);
  }

  async listForTicket(tenantId: string, ticketId: string, query: PageQuery): Promise<Page<ActionView>> {
    if (!(await this.tickets.exists(tenantId, ticketId))) throw notFound('ticket');
    const builder = this.dataSource
      .getRepository(Action)
      .createQueryBuilder('a')
      .where('a.tenant_id = :tenantId AND a.ticket_id = :ticketId', { tenantId, ticketId });
    return keysetPage(builder, 'a.created_at', 'ASC', query, toActionView);
  }

  async enqueue(actionId: string, delayMs = 0, attempt = 0): Promise<void> {
    await this.queue.add(
      JobName.PerformAction,
      { actionId },
      {
        jobId: attempt === 0 ? `action:${actionId}` : `action:${actionId}:${attempt}`,
        delay: delayMs,
        attempts: MAX_ATTEMPTS,
        backoff: { type: 'adapter' },
      },
    );
  }

  /** Queues actions whose job was lost (Redis restarted) or never made it; job ids keep it from doubling. */
  async sweep(olderThanMs: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM actions WHERE status IN ('pending', 'running') AND updated_at < now() - make_interval(secs => $1) LIMIT 500`,
      [olderThanMs / 1000],
    )) as { id: string }[];
    for (const row of rows) {
      const job = await this.queue.getJob(`action:${row.id}`);
      if (!job || (await job.isCompleted()) || (await job.isFailed())) {
        if (job) await job.remove();
        await this.enqueue(row.id);
      }
    }
    return rows.length;
  }

  /**
   * Performs one action upstream at most once. Before a retry of an action that may have reached the
   * platform (`running`), the case is re-fetched: if the decision already took effect, it is done.
   */
  async perform(actionId: string, finalAttempt: boolean): Promise<void> {
    const action = await this.dataSource
      .getRepository(Action)
      .createQueryBuilder('a')
      .addSelect('a.verificationCode')
      .where('a.id = :actionId', { actionId })
      .getOne();
    // Held actions wait for `verify`, which queues them again.
    if (!action || ['succeeded', 'failed', 'needs_verification'].includes(action.status)) return;
    const resolved = await this.connections.resolve(action.connectionId);
    if (!resolved) {
      await this.fail(action, AdapterErrorCode.INVALID, 'the connection was deleted');
      return;
    }
    const adapter = this.adapters.get(resolved.connection.platform);
    const limiter = this.limiters.forConnection(resolved.connection);
    const wait = await limiter.delayFor(1);
    if (wait > MAX_INLINE_RATE_WAIT_MS) {
      recordRateLimitWait(resolved.connection.platform, wait);
      await this.enqueue(action.id, wait, Date.now());
      return;
    }
    const context: AdapterContext = {
      connection: resolved.adapterConnection,
      limiter,
      now: () => new Date(),
    };
    let ticket = await this.ticketForAction(action.ticketId);
    if (action.status === 'running' && adapter.fetchCase && DECISION_KEYS[action.type]) {
      const current = await adapter.fetchCase(context, ticket.externalId, ticket.externalOrderId);
      if (decisionTookEffect(action.type, current.stage)) {
        await this.succeed(
          action,
          resolved,
          { recovered: true, note: 'the platform already shows this decision' },
          current,
        );
        return;
      }
    }
    for (;;) {
      await this.dataSource.query(
        `UPDATE actions SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now() WHERE id = $1`,
        [action.id],
      );
      try {
        const outcome = await adapter.perform(context, this.adapterAction(action), ticket, {
          idempotencyKey: action.id,
          ...(action.verificationCode ? { verificationCode: action.verificationCode } : {}),
        });
        recordPushback(resolved.connection.platform, action.type, 'OK');
        let updatedCase = outcome.updatedCase;
        if (outcome.rereadError !== undefined) {
          this.logRereadFailure(action, resolved, outcome.rereadError);
        } else if (!updatedCase && adapter.fetchCase) {
          updatedCase = await adapter
            .fetchCase(context, ticket.externalId, ticket.externalOrderId)
            .catch((error: unknown) => {
              this.logRereadFailure(action, resolved, describeUpstreamFailure(error));
              return null;
            });
        }
        await this.succeed(action, resolved, outcome.response, updatedCase);
        return;
      } catch (error) {
        const failure =
          error instanceof AdapterError
            ? error
            : new AdapterError(AdapterErrorCode.TEMPORARY, (error as Error).message);
        recordPushback(resolved.connection.platform, action.type, failure.code);
        const decision = failureDecision(failure.code);
        if (decision === 'reread_and_retry_once' && action.conflictRetries === 0 && adapter.fetchCase) {
          const fresh = await adapter.fetchCase(context, ticket.externalId, ticket.externalOrderId);
          await this.caseSync.sync(resolved.connection, fresh, { type: 'pull' });
          const stages = adapter.capabilities.actionStages[action.type];
          if (stages && !stages.includes(fresh.stage)) {
            await this.fail(
              action,
              failure.code,
              `the case changed upstream and is now ${fresh.stage}: ${failure.message}`,
              failure.upstream,
            );
            return;
          }
          action.conflictRetries = 1;
          await this.dataSource.query(`UPDATE actions SET conflict_retries = 1 WHERE id = $1`, [action.id]);
          ticket = await this.ticketForAction(action.ticketId);
          continue;
        }
        if (decision === 'await_verification') {
          await this.holdForVerification(action, failure.message);
          return;
        }
        await this.handleFailure(action, failure, finalAttempt);
        return;
      }
    }
  }

  /**
   * `POST /v1/actions/:id/verify`: the code the platform sent the seller; the action is queued again and the
   * adapter repeats the call with it.
   */
  async verify(tenantId: string, id: string, code: string): Promise<ActionView> {
    const updated = (await this.dataSource.query(
      `UPDATE actions SET status = 'pending', verification_code = $3, updated_at = now()
       WHERE id = $1 AND tenant_id = $2 AND status = 'needs_verification' RETURNING id`,
      [id, tenantId, code],
    )) as [unknown[], number];
    if (updated[1] === 0) {
      const current = await this.view(tenantId, id);
      throw new DomainError(
        ErrorCode.CONFLICT,
        `action ${id} is ${current.status}; only an action that needs verification takes a code`,
      );
    }
    await this.enqueue(id, 0, Date.now());
    return this.view(tenantId, id);
  }

  /** The platform holds the decision until the seller passes on a code: no retry, the agent is told. */
  private async holdForVerification(action: Action, message: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const updated = (await manager.query(
        `UPDATE actions SET status = 'needs_verification', verification_message = $2, verification_code = NULL,
           error = NULL, error_code = NULL, updated_at = now()
         WHERE id = $1 AND status IN ('pending', 'running') RETURNING id`,
        [action.id, message],
      )) as [unknown[], number];
      if (updated[1] === 0) return;
      const data = { actionId: action.id, ticketId: action.ticketId, type: action.type, message };
      await this.tickets.appendTimeline(
        [
          {
            tenantId: action.tenantId,
            ticketId: action.ticketId,
            type: 'action.needs_verification',
            actorType: 'platform',
            data,
          },
        ],
        manager,
      );
      await this.outbox.emit(
        [{ tenantId: action.tenantId, ticketId: action.ticketId, type: 'action.needs_verification', data }],
        manager,
      );
    });
  }

  private async handleFailure(action: Action, failure: AdapterError, finalAttempt: boolean): Promise<void> {
    const decision = failureDecision(failure.code);
    if (decision === 'pause_connection') await this.pauseConnection(action, describeUpstreamFailure(failure));
    if (decision !== 'retry_later' || finalAttempt) {
      await this.fail(action, failure.code, failure.message, failure.upstream);
      return;
    }
    // A throttled call never reached the platform, so it goes back to pending; a timeout may have, so it stays running.
    const status = failure.code === AdapterErrorCode.RATE_LIMITED ? 'pending' : 'running';
    await this.dataSource.query(
      `UPDATE actions SET status = $2, error = $3, error_code = $4, updated_at = now() WHERE id = $1`,
      [action.id, status, failure.message, failure.code],
    );
    throw new RetryLater(`${failure.code}: ${failure.message}`, failure.retryAfterMs);
  }

  /**
   * The platform refuses the connection's credentials: it shows `error` with the platform's message until fixed,
   * in the same bounded, printable form a refused sync writes.
   */
  private async pauseConnection(action: Action, message: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `UPDATE connections SET status = CASE WHEN status = 'active' THEN 'error' ELSE status END,
           sync_last_error = $2, sync_last_error_at = now()
         WHERE id = $1 RETURNING platform`,
        [action.connectionId, message],
      )) as [{ platform: string }[], number];
      const platform = rows[0][0]?.platform;
      if (!platform) return;
      await this.outbox.emit(
        [
          {
            tenantId: action.tenantId,
            type: 'connection.sync_failed',
            data: {
              connectionId: action.connectionId,
              platform,
              error: message,
              actionId: action.id,
            },
          },
        ],
        manager,
      );
    });
  }

  /**
   * The platform took the decision but the case could not be read back: the action still succeeds (a retry
   * would be refused as a second decision) and the next pull or message brings the new state; the failure is
   * logged so a case that stays stale can be traced.
   */
  private logRereadFailure(action: Action, resolved: ResolvedConnection, error: string): void {
    this.logger.warn(
      `action ${action.id} (${action.type}) on connection ${resolved.connection.id}: performed upstream, ` +
        `but the case could not be read again: ${error}`,
    );
  }

  private async succeed(
    action: Action,
    resolved: ResolvedConnection,
    response: unknown,
    updatedCase: NormalizedCase | null,
  ): Promise<void> {
    if (updatedCase)
      await this.caseSync.sync(resolved.connection, updatedCase, {
        type: 'action',
        actionId: action.id,
      });
    await this.dataSource.transaction(async (manager) => {
      const updated = (await manager.query(
        `UPDATE actions SET status = 'succeeded', response = $2::jsonb, error = NULL, error_code = NULL,
           verification_code = NULL, completed_at = now(), updated_at = now()
         WHERE id = $1 AND status IN ('pending', 'running') RETURNING id`,
        [action.id, JSON.stringify(response ?? null)],
      )) as [unknown[], number];
      if (updated[1] === 0) return;
      await this.sla.recordFirstResponse(manager, action.ticketId, new Date());
      await this.tickets.appendTimeline(
        [
          {
            tenantId: action.tenantId,
            ticketId: action.ticketId,
            type: 'action.succeeded',
            actorType: action.actorType,
            actorId: action.actorId,
            data: { actionId: action.id, type: action.type, response },
          },
        ],
        manager,
      );
      await this.outbox.emit(
        [
          {
            tenantId: action.tenantId,
            ticketId: action.ticketId,
            type: 'action.succeeded',
            data: { actionId: action.id, ticketId: action.ticketId, type: action.type, response },
          },
        ],
        manager,
      );
    });
  }

  private async fail(action: Action, code: string, message: string, upstream: unknown = {}): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const updated = (await manager.query(
        `UPDATE actions SET status = 'failed', error = $2, error_code = $3, response = $4::jsonb,
           verification_code = NULL, completed_at = now(), updated_at = now()
         WHERE id = $1 AND status IN ('pending', 'running') RETURNING id`,
        [action.id, message, code, JSON.stringify(upstream)],
      )) as [unknown[], number];
      if (updated[1] === 0) return;
      const data = {
        actionId: action.id,
        ticketId: action.ticketId,
        type: action.type,
        errorCode: code,
        error: message,
      };
      await this.tickets.appendTimeline(
        [
          {
            tenantId: action.tenantId,
            ticketId: action.ticketId,
            type: 'action.failed',
            actorType: 'system',
            data,
          },
        ],
        manager,
      );
      await this.outbox.emit(
        [{ tenantId: action.tenantId, ticketId: action.ticketId, type: 'action.failed', data }],
        manager,
      );
    });
  }

  private async ticketForAction(ticketId: string): Promise<TicketForAction> {
    const ticket = await this.tickets.findById(ticketId, { includeRaw: true });
    if (!ticket) throw notFound('ticket');
    return {
      externalId: ticket.externalId,
      externalOrderId: ticket.externalOrderId,
      kind: ticket.kind,
      stage: ticket.stage,
      requestedAmount:
        ticket.requestedAmountMinor === null || ticket.requestedCurrency === null
          ? null
          : { amountMinor: ticket.requestedAmountMinor, currency: ticket.requestedCurrency },
      platformVersion: ticket.platformVersion,
      raw: ticket.raw,
    };
  }

  private adapterAction(action: Action): AdapterAction {
    const params = action.params;
    switch (action.type) {
      case 'approve_refund':
        return {
          type: 'approve_refund',
          amount: (params.amount as { amountMinor: number; currency: string } | undefined) ?? null,
        };
      case 'refuse_refund':
        return {
          type: 'refuse_refund',
          reason: String(params.reason),
          reasonCode: (params.reasonCode as string | undefined) ?? null,
        };
      case 'approve_return':
        return {
          type: 'approve_return',
          returnAddress: (params.returnAddress as ReturnAddress | undefined) ?? null,
        };
      case 'refuse_return':
        return {
          type: 'refuse_return',
          reason: String(params.reason),
          reasonCode: (params.reasonCode as string | undefined) ?? null,
        };
      case 'confirm_return_received':
        return { type: 'confirm_return_received' };
      case 'send_message':
        return { type: 'send_message', text: String(params.text) };
    }
  }

  /** Only the fields that belong to the type; amounts become minor units checked against the request. */
  private params(input: CreateActionDto, ticket: Ticket): Record<string, unknown> {
    const allowed = PARAMS_BY_TYPE[input.type];
    const stray = ['amount', 'reason', 'reasonCode', 'returnAddress', 'text'].filter(
      (field) => !allowed.includes(field) && input[field as keyof CreateActionDto] !== undefined,
    );
    if (stray.length > 0) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `${input.type} takes no ${stray.join(', ')}`,
        stray.map((field) => ({ field, problems: [`not a parameter of ${input.type}`] })),
      );
    }
    const params: Record<string, unknown> = {};
    if (input.type === 'approve_refund' && input.amount !== undefined) {
      const currency = ticket.requestedCurrency ?? 'CNY';
      let amountMinor: number;
      try {
        amountMinor = decimalToMinor(input.amount, currency);
      } catch (error) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `amount: ${(error as Error).message}`, [
          { field: 'amount', problems: [(error as Error).message] },
        ]);
      }
      this.checkRefundAmount(input.amount, amountMinor, ticket);
      params.amount = { amountMinor, currency };
    }
    for (const field of ['reason', 'reasonCode', 'returnAddress', 'text'] as const) {
      if (allowed.includes(field) && input[field] !== undefined) params[field] = input[field];
    }
    return params;
  }

  /** A partial refund is more than nothing and at most what the buyer asked for and has not yet received. */
  private checkRefundAmount(amount: string, amountMinor: number, ticket: Ticket): void {
    if (amountMinor <= 0)
      throw new DomainError(
        ErrorCode.UNPROCESSABLE,
        `cannot refund ${amount}: the amount must be more than 0`,
      );
    if (ticket.requestedAmountMinor === null) {
      throw new DomainError(
        ErrorCode.UNPROCESSABLE,
        `cannot refund ${amount}: the case does not say how much the buyer asked for; approve without an amount`,
      );
    }
    const refunded =
      ticket.refundedAmountMinor !== null &&
      (ticket.refundedCurrency === null || ticket.refundedCurrency === ticket.requestedCurrency)
        ? ticket.refundedAmountMinor
        : 0;
    const left = ticket.requestedAmountMinor - refunded;
    if (amountMinor > left) {
      const currency = ticket.requestedCurrency ?? 'CNY';
      throw new DomainError(
        ErrorCode.UNPROCESSABLE,
        `cannot refund ${amount}: at most ${minorToDecimal(Math.max(0, left), currency)} ${currency} is left of the ${minorToDecimal(ticket.requestedAmountMinor, currency)} requested`,
      );
    }
  }

  private async explainConflict(
    tenantId: string,
    ticket: Ticket,
    decisionKey: string | null,
    idempotencyKey: string | null,
    input: CreateActionDto,
  ): Promise<ActionView> {
    if (idempotencyKey) {
      const same = await this.dataSource
        .getRepository(Action)
        .findOne({ where: { tenantId, idempotencyKey } });
      if (same && same.ticketId === ticket.id && same.type === input.type) return toActionView(same);
    }
    const live = await this.dataSource
      .getRepository(Action)
      .createQueryBuilder('a')
      .where(`a.ticket_id = :ticketId AND a.decision_key = :decisionKey`, {
        ticketId: ticket.id,
        decisionKey,
      })
      .andWhere(
        `(a.status IN ('pending', 'running') OR (a.status = 'succeeded' AND a.decision_scope = :scope))`,
        {
          scope: decisionScope(ticket),
        },
      )
      .orderBy('a.created_at', 'DESC')
      .getOne();
    if (!live) throw new DomainError(ErrorCode.CONFLICT, 'the action could not be stored; try again');
    const when =
      live.status === 'succeeded' ? 'was already made on this state of the case' : `is ${live.status}`;
    throw new DomainError(
      ErrorCode.CONFLICT,
      `this ticket already has a ${live.type} decision that ${when} (action ${live.id})`,
      { action: toActionView(live) },
    );
  }
}
