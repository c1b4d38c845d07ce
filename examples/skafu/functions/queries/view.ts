// The read model's fold (seed 003 query side): a project's rows, one per event of its stream
// keyed by sequence number, into the view GET /projects/{projectId} answers. Events may be
// stored out of order (each is written when its delivery arrives); the view applies them in
// sequence order and says whether it has all of them up to the last one seen (`complete`).
import type { AIAnalysis, ConfigurationStep, Repository, StepFailure, TemplateSelection } from '../../generated';

/** One event of a project's stream as the read model stores it. */
export interface StreamRow {
  sequence: number;
  detailType: string;
  eventId: string;
  correlationId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface ProjectView {
  projectId: string;
  name: string;
  description: string;
  language: string;
  framework: string;
  ownerId: string;
  createdAt: string;
  /** CONFIGURING until ProjectConfigured or ProjectConfigurationFailed is in the view. */
  status: 'CONFIGURING' | 'CONFIGURED' | 'FAILED';
  steps: Record<ConfigurationStep, 'pending' | 'completed' | 'failed'>;
  template?: TemplateSelection;
  analysis?: AIAnalysis;
  repository?: Repository;
  failure?: { step: ConfigurationStep; errorCode: string; errorMessage: string };
  /** The request that created the project: every event of the flow carries it. */
  correlationId: string;
  /** Highest sequence number seen, and whether every one from 1 to it is in the view. */
  lastSequence: number;
  complete: boolean;
  missingSequences: number[];
  events: { sequence: number; detailType: string; eventId: string; occurredAt: string }[];
}

/** The view of a project, or undefined while its ProjectCreated (sequence 1) is not in the read model. */
export function projectView(rows: readonly StreamRow[]): ProjectView | undefined {
  const sorted = [...rows].sort((a, b) => a.sequence - b.sequence);
  const first = sorted[0];
  if (!first || first.sequence !== 1 || first.detailType !== 'ProjectCreated') return undefined;
  const created = first.data as { projectId: string; name: string; description: string; language: string; framework: string; ownerId: string; createdAt: string };
  const view: ProjectView = {
    projectId: created.projectId,
    name: created.name,
    description: created.description,
    language: created.language,
    framework: created.framework,
    ownerId: created.ownerId,
    createdAt: created.createdAt,
    status: 'CONFIGURING',
    steps: { template: 'pending', ai: 'pending', github: 'pending' },
    correlationId: first.correlationId,
    lastSequence: 0,
    complete: true,
    missingSequences: [],
    events: [],
  };
  for (const row of sorted) {
    if (row.detailType === 'ProjectConfigurationStepRecorded') {
      const step = row.data as { step: ConfigurationStep; outcome: 'completed' | 'failed'; template?: TemplateSelection; analysis?: AIAnalysis; repository?: Repository; failure?: StepFailure };
      view.steps[step.step] = step.outcome;
      if (step.template) view.template = step.template;
      if (step.analysis) view.analysis = step.analysis;
      if (step.repository) view.repository = step.repository;
    } else if (row.detailType === 'ProjectConfigured') view.status = 'CONFIGURED';
    else if (row.detailType === 'ProjectConfigurationFailed') {
      const failed = row.data as { failedStep: ConfigurationStep; failure: StepFailure };
      view.status = 'FAILED';
      view.failure = { step: failed.failedStep, errorCode: failed.failure.errorCode, errorMessage: failed.failure.errorMessage };
    }
    view.events.push({ sequence: row.sequence, detailType: row.detailType, eventId: row.eventId, occurredAt: row.occurredAt });
  }
  const seen = new Set(sorted.map((r) => r.sequence));
  view.lastSequence = sorted.at(-1)?.sequence ?? 0;
  for (let s = 1; s <= view.lastSequence; s++) if (!seen.has(s)) view.missingSequences.push(s);
  view.complete = view.missingSequences.length === 0;
  return view;
}
