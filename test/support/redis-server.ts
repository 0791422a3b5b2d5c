/** A Redis of the test's own, so a test can stop and restart it without touching anyone else's. */
export { OwnRedis } from '../../scripts/own-services';
