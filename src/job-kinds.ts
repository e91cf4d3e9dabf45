/**
 * Every long-running job by kind, for the runtime that continues handed-over jobs (the Worker's
 * Workflow, src/worker.ts): a hand-over names its kind, and the kind its steps. One line per job
 * (src/jobs; docs/adr/0075).
 */
import type { JobDefinition } from './jobs/job.js';
import { gradingRunJob } from './grading/run-job.js';
import { scanJob } from './flags/scan-job.js';

// Each job's state is its own type; the runtime only passes it along.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJob = JobDefinition<any, any>;

const kinds = new Map<string, AnyJob>([gradingRunJob, scanJob].map((j: AnyJob) => [j.kind, j]));

/** The job of a kind; throws for a kind this build does not know (a hand-over from another version). */
export function jobOf(kind: string): AnyJob {
  const job = kinds.get(kind);
  if (!job) throw new Error(`No job of kind ${kind} in this build.`);
  return job;
}
