import type { Summary } from './write.ts';

/** The human summary `venuechaos run` prints. */
export function formatSummary(summary: Summary, paths?: { summaryPath: string; tracePath: string }): string {
  const lines: string[] = [];
  const verdict = summary.outcome.toUpperCase();
  const simSec = summary.simulatedMs / 1000;
  const speed = summary.wallMs > 0 ? Math.round(summary.simulatedMs / summary.wallMs) : Infinity;
  lines.push(`venuechaos · ${summary.scenario} · seed ${summary.seed} · policy ${summary.policy}`);
  lines.push(`outcome: ${verdict}${summary.meetsExpectation ? ' (as expected)' : ` (expected ${summary.expected.outcome}${summary.expected.invariant ? ` of ${summary.expected.invariant}` : ''})`}`);
  if (summary.reason !== undefined) lines.push(`reason: ${summary.reason.split('\n')[0]}`);
  lines.push(`simulated ${formatDuration(simSec)} in ${summary.wallMs} ms wall (${speed}× real time), ${summary.traceEvents} trace events`);
  lines.push('');
  lines.push('invariants:');
  for (const inv of summary.invariants) {
    const mark = inv.passed ? 'ok  ' : 'FAIL';
    const detail = inv.firstViolation === null ? '' : ` — at +${(inv.firstViolation.tMs / 1000).toFixed(3)} s: ${inv.firstViolation.message}${inv.numViolations > 1 ? ` (+${inv.numViolations - 1} more)` : ''}`;
    // A note says why a passing check looked at nothing (its limit is not set).
    const note = inv.note === undefined ? '' : ` (${inv.note})`;
    lines.push(`  ${mark} ${inv.name}${detail}${note}`);
  }
  lines.push('');
  lines.push('faults (requests hit / windows scheduled):');
  const kinds = new Set([...Object.keys(summary.faultsScheduled), ...Object.keys(summary.faultsInjected)]);
  if (kinds.size === 0) lines.push('  none');
  for (const kind of [...kinds].sort()) lines.push(`  ${kind}: ${summary.faultsInjected[kind] ?? 0} / ${summary.faultsScheduled[kind] ?? 0}`);
  lines.push('');
  lines.push('requests by venue:');
  for (const [venue, byOutcome] of Object.entries(summary.requests).sort(([a], [b]) => a.localeCompare(b))) {
    const parts = Object.entries(byOutcome).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`);
    lines.push(`  ${venue}: ${parts.join(', ')}`);
  }
  lines.push('');
  lines.push(`trace hash: ${summary.traceHash}`);
  if (paths !== undefined) lines.push(`report: ${paths.summaryPath}\n        ${paths.tracePath}`);
  lines.push(`replay: ${summary.replay}`);
  return lines.join('\n');
}

function formatDuration(sec: number): string {
  if (sec < 120) return `${sec.toFixed(1)} s`;
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = Math.round(sec % 60);
  return h > 0 ? `${h} h ${m} min${s ? ` ${s} s` : ''}` : `${m} min${s ? ` ${s} s` : ''}`;
}
