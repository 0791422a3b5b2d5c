import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { Outbox1763900100000 } from './1763900100000-outbox';

/** Applied in this order at start-up; every schema change is a new class appended here. */
export const MIGRATIONS = [InitialSchema1763900000000, Outbox1763900100000];
