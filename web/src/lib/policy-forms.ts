/**
 * The settings forms for routing rules and the auto-refund policy: the hub's JSON as form state (strings as
 * typed, lists as lists), back to the request body, and the server's field problems placed on their fields.
 * The server is the one that validates; a value it cannot take is sent as typed so its 400 names the field.
 */

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** `details` of a 400 by field; anything else (or no details) is an empty map. */
export function problemsByField(details: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!Array.isArray(details)) return map;
  for (const detail of details as Partial<FieldProblem>[]) {
    if (typeof detail?.field !== 'string') continue;
    map.set(detail.field, [...(map.get(detail.field) ?? []), ...(detail.problems ?? [])]);
  }
  return map;
}

/** Problems on fields the form does not show, to be listed above it. */
export function unplacedProblems(problems: Map<string, string[]>, shown: Iterable<string>): string[] {
  const placed = new Set(shown);
  return [...problems.entries()]
    .filter(([field]) => !placed.has(field))
    .flatMap(([field, list]) => list.map((problem) => `${field}: ${problem}`));
}

/** A list typed as text: commas (also `，` and `、`) or new lines separate. */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A whole number as a number; anything else as typed, for the server to name. */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export interface MoneyDraft {
  amount: string;
  currency: string;
}

// ---------------------------------------------------------------------------------------------------------
// Auto-refund policy

export const DELIVERY_UNKNOWN = ['no_window', 'skip'] as const;

export interface AutoRefundPolicyJson {
  enabled: boolean;
  dryRun: boolean;
  maxAmounts: MoneyDraft[];
  kinds: string[];
  withinDaysOfDelivery: number | null;
  whenDeliveryUnknown: string;
  excludeCategories: string[];
  excludeFlaggedBuyers: boolean;
  flaggedBuyerIds: string[];
}

export interface AutoRefundDraft {
  enabled: boolean;
  dryRun: boolean;
  maxAmounts: MoneyDraft[];
  kinds: string[];
  /** Off: no delivery window (`withinDaysOfDelivery: null`). */
  windowOn: boolean;
  withinDaysOfDelivery: string;
  whenDeliveryUnknown: string;
  excludeCategories: string[];
  excludeFlaggedBuyers: boolean;
  /** One buyer id a line (or comma-separated). */
  flaggedBuyerIds: string;
}

export function autoRefundDraft(policy: AutoRefundPolicyJson): AutoRefundDraft {
  return {
    enabled: policy.enabled,
    dryRun: policy.dryRun,
    maxAmounts: policy.maxAmounts.map(({ amount, currency }) => ({ amount, currency })),
    kinds: [...policy.kinds],
    windowOn: policy.withinDaysOfDelivery !== null,
    withinDaysOfDelivery: String(policy.withinDaysOfDelivery ?? 7),
    whenDeliveryUnknown: policy.whenDeliveryUnknown,
    excludeCategories: [...policy.excludeCategories],
    excludeFlaggedBuyers: policy.excludeFlaggedBuyers,
    flaggedBuyerIds: policy.flaggedBuyerIds.join('\n'),
  };
}

/** The body of `PUT /v1/policies/auto-refund`. */
export function autoRefundBody(draft: AutoRefundDraft): Record<string, unknown> {
  return {
    enabled: draft.enabled,
    dryRun: draft.dryRun,
    maxAmounts: draft.maxAmounts.map(({ amount, currency }) => ({
      amount: amount.trim(),
      currency: currency.trim().toUpperCase(),
    })),
    kinds: draft.kinds,
    withinDaysOfDelivery: draft.windowOn ? numberOrText(draft.withinDaysOfDelivery) : null,
    whenDeliveryUnknown: draft.whenDeliveryUnknown,
    excludeCategories: draft.excludeCategories,
    excludeFlaggedBuyers: draft.excludeFlaggedBuyers,
    flaggedBuyerIds: splitList(draft.flaggedBuyerIds),
  };
}

/** Every field path the auto-refund form shows a problem on. */
export function autoRefundFields(draft: AutoRefundDraft): string[] {
  return [
    'enabled',
    'dryRun',
    'maxAmounts',
    ...draft.maxAmounts.flatMap((_, index) => [
      `maxAmounts.${index}`,
      `maxAmounts.${index}.amount`,
      `maxAmounts.${index}.currency`,
    ]),
    'kinds',
    'withinDaysOfDelivery',
    'whenDeliveryUnknown',
    'excludeCategories',
    'excludeFlaggedBuyers',
    'flaggedBuyerIds',
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Routing rules

export const CONDITION_LISTS = ['platform', 'kind', 'category', 'severity'] as const;
export type ConditionList = (typeof CONDITION_LISTS)[number];
export const ASSIGNEE_MODES = ['none', 'agent', 'roundRobin'] as const;
export type AssigneeMode = (typeof ASSIGNEE_MODES)[number];

export interface RoutingRuleJson {
  name: string;
  when: {
    platform?: string[];
    kind?: string[];
    category?: string[];
    severity?: string[];
    amount?: { currency: string; min?: string; max?: string };
    keywords?: string[];
    vip?: boolean;
    sku?: string[];
    connectionId?: string[];
  };
  then: {
    department?: string;
    severity?: string;
    tags?: string[];
    assignee?: string | { roundRobin: string[] };
  };
}

export interface RoutingSettingsJson {
  rules: RoutingRuleJson[];
  thresholds: {
    criticalAmounts: MoneyDraft[];
    incident: { tickets: number; windowMinutes: number };
  };
}

export interface RuleDraft {
  /** Stable across reorders, for the list's keys; never sent. */
  key: string;
  name: string;
  platform: string[];
  kind: string[];
  category: string[];
  severity: string[];
  amountOn: boolean;
  amountCurrency: string;
  amountMin: string;
  amountMax: string;
  keywords: string;
  /** `''`: any buyer. */
  vip: '' | 'true' | 'false';
  sku: string;
  connectionId: string[];
  department: string;
  setSeverity: string;
  tags: string;
  assigneeMode: AssigneeMode;
  /** One agent id, or the round-robin's ids separated by commas. */
  assignee: string;
}

export interface RoutingDraft {
  rules: RuleDraft[];
  criticalAmounts: MoneyDraft[];
  incidentTickets: string;
  incidentWindowMinutes: string;
}

let nextKey = 0;
const newKey = () => `rule-${++nextKey}`;

export function emptyRule(): RuleDraft {
  return {
    key: newKey(),
    name: '',
    platform: [],
    kind: [],
    category: [],
    severity: [],
    amountOn: false,
    amountCurrency: 'CNY',
    amountMin: '',
    amountMax: '',
    keywords: '',
    vip: '',
    sku: '',
    connectionId: [],
    department: '',
    setSeverity: '',
    tags: '',
    assigneeMode: 'none',
    assignee: '',
  };
}

export function ruleDraft(rule: RoutingRuleJson): RuleDraft {
  const { when, then } = rule;
  const assignee = then.assignee;
  return {
    ...emptyRule(),
    name: rule.name,
    platform: when.platform ?? [],
    kind: when.kind ?? [],
    category: when.category ?? [],
    severity: when.severity ?? [],
    amountOn: when.amount !== undefined,
    amountCurrency: when.amount?.currency ?? 'CNY',
    amountMin: when.amount?.min ?? '',
    amountMax: when.amount?.max ?? '',
    keywords: (when.keywords ?? []).join(', '),
    vip: when.vip === undefined ? '' : when.vip ? 'true' : 'false',
    sku: (when.sku ?? []).join(', '),
    connectionId: when.connectionId ?? [],
    department: then.department ?? '',
    setSeverity: then.severity ?? '',
    tags: (then.tags ?? []).join(', '),
    assigneeMode: assignee === undefined ? 'none' : typeof assignee === 'string' ? 'agent' : 'roundRobin',
    assignee:
      assignee === undefined ? '' : typeof assignee === 'string' ? assignee : assignee.roundRobin.join(', '),
  };
}

export function routingDraft(settings: RoutingSettingsJson): RoutingDraft {
  return {
    rules: settings.rules.map(ruleDraft),
    criticalAmounts: settings.thresholds.criticalAmounts.map(({ amount, currency }) => ({
      amount,
      currency,
    })),
    incidentTickets: String(settings.thresholds.incident.tickets),
    incidentWindowMinutes: String(settings.thresholds.incident.windowMinutes),
  };
}

/** A rule as the API takes it: only the conditions that say something, so `{}` still matches every case. */
export function ruleJson(draft: RuleDraft): RoutingRuleJson {
  const when: RoutingRuleJson['when'] = {};
  for (const list of CONDITION_LISTS) if (draft[list].length > 0) when[list] = draft[list];
  if (draft.amountOn) {
    when.amount = { currency: draft.amountCurrency.trim().toUpperCase() };
    if (draft.amountMin.trim()) when.amount.min = draft.amountMin.trim();
    if (draft.amountMax.trim()) when.amount.max = draft.amountMax.trim();
  }
  const keywords = splitList(draft.keywords);
  if (keywords.length > 0) when.keywords = keywords;
  if (draft.vip !== '') when.vip = draft.vip === 'true';
  const sku = splitList(draft.sku);
  if (sku.length > 0) when.sku = sku;
  if (draft.connectionId.length > 0) when.connectionId = draft.connectionId;
  const then: RoutingRuleJson['then'] = {};
  if (draft.department) then.department = draft.department;
  if (draft.setSeverity) then.severity = draft.setSeverity;
  const tags = splitList(draft.tags);
  if (tags.length > 0) then.tags = tags;
  if (draft.assigneeMode === 'agent') then.assignee = draft.assignee.trim();
  if (draft.assigneeMode === 'roundRobin') then.assignee = { roundRobin: splitList(draft.assignee) };
  return { name: draft.name.trim(), when, then };
}

/** The body of `PUT /v1/routing-rules`; the thresholds go along, or the server would reset them. */
export function routingBody(draft: RoutingDraft): Record<string, unknown> {
  return {
    rules: draft.rules.map(ruleJson),
    thresholds: {
      criticalAmounts: draft.criticalAmounts.map(({ amount, currency }) => ({
        amount: amount.trim(),
        currency: currency.trim().toUpperCase(),
      })),
      incident: {
        tickets: numberOrText(draft.incidentTickets),
        windowMinutes: numberOrText(draft.incidentWindowMinutes),
      },
    },
  };
}

/** Moves the rule at `from` by `by` places (rules are tried in order); out of range leaves the list as is. */
export function moveRule<T>(rules: T[], from: number, by: number): T[] {
  const to = from + by;
  if (from < 0 || from >= rules.length || to < 0 || to >= rules.length) return rules;
  const next = [...rules];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved);
  return next;
}

/** The field paths a rule's part of the form shows problems on. */
export const RULE_FIELDS = [
  '',
  'name',
  'when',
  ...CONDITION_LISTS.map((list) => `when.${list}`),
  'when.amount',
  'when.amount.currency',
  'when.amount.min',
  'when.amount.max',
  'when.keywords',
  'when.vip',
  'when.sku',
  'when.connectionId',
  'then',
  'then.department',
  'then.severity',
  'then.tags',
  'then.assignee',
  'then.assignee.roundRobin',
] as const;

/** Every field path the routing form shows a problem on. */
export function routingFields(draft: RoutingDraft): string[] {
  return [
    'rules',
    ...draft.rules.flatMap((_, index) =>
      RULE_FIELDS.map((field) => (field ? `rules.${index}.${field}` : `rules.${index}`)),
    ),
    'thresholds',
    'thresholds.criticalAmounts',
    ...draft.criticalAmounts.flatMap((_, index) => [
      `thresholds.criticalAmounts.${index}`,
      `thresholds.criticalAmounts.${index}.amount`,
      `thresholds.criticalAmounts.${index}.currency`,
    ]),
    'thresholds.incident',
    'thresholds.incident.tickets',
    'thresholds.incident.windowMinutes',
  ];
}

// ---------------------------------------------------------------------------------------------------------
// The server's problems, as shown beside their field

/** class-validator's and the hub's own wording, in Chinese; anything else is shown as the server wrote it. */
const ZH_PROBLEMS: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^must be an integer number$/, () => '须为整数'],
  [/^must not be greater than (\S+)$/, (m) => `不能大于 ${m[1]}`],
  [/^must not be less than (\S+)$/, (m) => `不能小于 ${m[1]}`],
  [/^should not be empty$/, () => '不能为空'],
  [/^must be a string$/, () => '须为文字'],
  [/^must be a boolean value$/, () => '须为是或否'],
  [/^must be shorter than or equal to (\d+) characters$/, (m) => `不能超过 ${m[1]} 个字符`],
  [/^must be a decimal string such as "?([\d.]+)"?$/, (m) => `须为金额，如 ${m[1]}`],
  [/^must be an ISO 4217 code such as "?([A-Z]{3})"?$/, (m) => `须为 ISO 4217 币种代码，如 ${m[1]}`],
  [/^must be one of the following values: (.+)$/, (m) => `须为以下之一：${m[1]}`],
  [/^each value in .* must be one of the following values: (.+)$/, (m) => `每项须为以下之一：${m[1]}`],
  [
    /^must set at least one of department, severity, tags or assignee$/,
    () => '至少设置部门、严重度、标签或处理人中的一项',
  ],
  [/^another rule is already called (.+)$/, (m) => `已有同名规则 ${m[1]}`],
  [/^needs min, max or both$/, () => '须填写最低、最高或两者'],
  [/^min must not be greater than max$/, () => '最低不能大于最高'],
  [/^lists an agent twice$/, () => '同一客服列了两次'],
  [/^must be an agent id or .*$/, () => '须为一个客服 ID，或轮流的多个客服 ID'],
  [/^(\S+) has a threshold already$/, (m) => `${m[1]} 已有阈值`],
];

/**
 * One problem as shown under its field: without the field's own name in front (it stands beside the
 * input), and in Chinese where the wording is known.
 */
export function problemText(field: string, problem: string, locale: 'zh' | 'en'): string {
  const name = field.split('.').pop() ?? '';
  const own = name && problem.startsWith(`${name} `) ? problem.slice(name.length + 1) : problem;
  if (locale === 'en') return own;
  for (const [pattern, say] of ZH_PROBLEMS) {
    const match = pattern.exec(own);
    if (match) return say(match);
  }
  return own;
}
