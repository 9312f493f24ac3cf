/** Process exit codes, documented in `--help` and the README. */
export const ExitCode = {
  /** Every invariant held. */
  passed: 0,
  /** An invariant broke. */
  violated: 1,
  /** Bad command line or bad scenario file. */
  usage: 2,
  /** A budget ran out (eventsMax, or the process never went quiet) before the run's end. */
  interrupted: 3,
  /** A bug in venuechaos itself; please report it with the command you ran. */
  internal: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  passed       every invariant held
  1  violated     an invariant broke (see the summary and report)
  2  usage        bad command line or scenario file (file:line:column in the message)
  3  interrupted  a budget ran out before the run's end
  4  internal     a venuechaos bug; please report it with the command you ran`;
