import type { RoutingSettings } from '../src/routing/routing-rule.types';
import type { Department } from '../src/tickets/ticket-vocabulary';

/**
 * What a tenant gets until it saves its own rules (`PUT /v1/routing-rules`), following the response plan:
 * critical cases and complaints go to the complaints desk, then each category to its department, and
 * returns and exchanges to customer care. Rules are tried in order; the first rule to set a field wins it.
 */
export const DEFAULT_ROUTING: RoutingSettings = {
  rules: [
    { name: 'critical cases', when: { severity: ['critical'] }, then: { department: 'complaints' } },
    { name: 'complaints', when: { kind: ['complaint'] }, then: { department: 'complaints' } },
    { name: 'service complaints', when: { category: ['service'] }, then: { department: 'complaints' } },
    { name: 'quality', when: { category: ['quality'] }, then: { department: 'quality' } },
    { name: 'logistics', when: { category: ['logistics'] }, then: { department: 'logistics' } },
    { name: 'payment', when: { category: ['payment'] }, then: { department: 'finance' } },
    { name: 'account', when: { category: ['account'] }, then: { department: 'tech' } },
    {
      name: 'returns and exchanges',
      when: { kind: ['return_refund', 'exchange'] },
      then: { department: 'customer_care' },
    },
  ],
  thresholds: {
    criticalAmounts: [
      { amount: '5000.00', currency: 'CNY' },
      { amount: '700.00', currency: 'USD' },
      { amount: '650.00', currency: 'EUR' },
    ],
    incident: { tickets: 5, windowMinutes: 60 },
  },
};

/** Where a ticket goes when no rule sets its department. */
export const FALLBACK_DEPARTMENT: Department = 'customer_care';

/** The longest incident window a tenant may set. */
export const INCIDENT_WINDOW_MAX_MINUTES = 7 * 24 * 60;
