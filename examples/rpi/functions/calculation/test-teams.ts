// The calculation service's test teams (test-teams.json): a calculation rating one of them gets
// no answer to the command named, on purpose, so that the saga's step timer fires (tests, the
// demo). Checked once on load: a typo there must not make a test team silently inert, nor a real
// team silent.
import testTeamsFile from './test-teams.json';

/** The commands the calculation service can be told to leave unanswered. */
export const SILENCEABLE = ['PublishRpiResults'] as const;
export type SilenceableCommand = (typeof SILENCEABLE)[number];

export interface TestTeam {
  teamId: string;
  silentOn: SilenceableCommand;
}

const TEST_TEAM_ID = /^test-[a-z0-9-]{1,59}$/;

/** Checks the file's test teams: a `test-` team id, a command the service can leave unanswered, each team once. */
export function parseTestTeams(file: { testTeams: readonly { teamId: string; silentOn: string }[] }, source = 'test-teams.json'): readonly TestTeam[] {
  const seen = new Set<string>();
  return file.testTeams.map(({ teamId, silentOn }, i) => {
    if (!TEST_TEAM_ID.test(teamId)) throw new Error(`${source} testTeams[${i}]: teamId "${teamId}" must start with "test-" (a reserved id, never a real team's)`);
    if (seen.has(teamId)) throw new Error(`${source} testTeams[${i}]: team ${teamId} is listed twice`);
    seen.add(teamId);
    const command = SILENCEABLE.find((c) => c === silentOn);
    if (!command) throw new Error(`${source} test team ${teamId}: silentOn "${silentOn}" must be one of ${SILENCEABLE.join(', ')}`);
    return { teamId, silentOn: command };
  });
}

export const testTeams: readonly TestTeam[] = parseTestTeams(testTeamsFile);

/** The test team, among the rated teams, that makes `command` go unanswered, if any. */
export function silentTestTeam(command: SilenceableCommand, teamIds: readonly string[], teams: readonly TestTeam[] = testTeams): TestTeam | undefined {
  return teams.find((t) => t.silentOn === command && teamIds.includes(t.teamId));
}
