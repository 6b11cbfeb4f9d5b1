import type { JobDefinition } from './define-job.js';

/** Every job the workers run. A job is one file in its module; it is listed here to be run. */
export const allJobs: JobDefinition[] = [];
