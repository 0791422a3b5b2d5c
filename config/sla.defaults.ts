import type { SlaPolicySet } from '../src/sla/sla-policy.types';

/** Targets per severity until a tenant saves its own (`PUT /v1/sla-policies`); the clock runs around the clock. */
export const DEFAULT_SLA_POLICIES: SlaPolicySet = {
  policies: {
    critical: { firstResponseMinutes: 60, resolutionMinutes: 120, businessHours: null },
    high: { firstResponseMinutes: 120, resolutionMinutes: 24 * 60, businessHours: null },
    normal: { firstResponseMinutes: 120, resolutionMinutes: 24 * 60, businessHours: null },
    low: { firstResponseMinutes: 24 * 60, resolutionMinutes: 72 * 60, businessHours: null },
  },
  holidays: [],
  platformDeadlineMarginMinutes: 60,
};

/** The early warning fires when this share of a target has elapsed. */
export const SLA_WARNING_RATIO = 0.75;
