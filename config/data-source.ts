import { DataSource } from 'typeorm';
import { loadConfig } from './env.config';
import { databaseOptions } from './database.config';

/** The data source the TypeORM CLI uses (`npm run migration:*`); the hub builds its own from the same options. */
export default new DataSource(databaseOptions(loadConfig()));
