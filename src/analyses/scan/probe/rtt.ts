/**
 * nmap's round-trip-time estimator (timing.cc, after RFC 6298), per host, in milliseconds:
 *
 *   first sample:  srtt = rtt, rttvar = clamp(rtt, 5 ms, 2 s)
 *   later samples: delta = rtt − srtt; srtt += delta/8; rttvar += (|delta| − rttvar)/4
 *                  (a sample more than 1.5 s and 3·srtt + 2·rttvar above srtt is an outlier, ignored)
 *   timeout = clamp(srtt + 4·rttvar, min, max); before any sample: the initial timeout.
 */

/** Limits of the estimator, in ms. */
export interface RttLimits {
  /** Timeout before the first sample. Default 1000 (nmap's --initial-rtt-timeout). */
  initialMs: number;
  /** Lower clamp of the timeout. Default 100 (nmap's --min-rtt-timeout). */
  minMs: number;
  /** Upper clamp of the timeout. Default 10000 (nmap's --max-rtt-timeout). */
  maxMs: number;
}

/** Defaults of {@link RttLimits}, nmap's. */
export const DEFAULT_RTT_LIMITS: RttLimits = { initialMs: 1000, minMs: 100, maxMs: 10_000 };

/** Estimator state; `srtt` and `rttvar` are `null` before the first sample. */
export interface RttState {
  srtt: number | null;
  rttvar: number | null;
  samples: number;
}

/** A fresh estimator. */
export function rttInit(): RttState {
  return { srtt: null, rttvar: null, samples: 0 };
}

/** Folds one measured round trip (ms) into the state; returns the new state. */
export function rttUpdate(s: RttState, rttMs: number): RttState {
  if (!(rttMs >= 0)) return s;
  if (s.srtt === null || s.rttvar === null) {
    return { srtt: rttMs, rttvar: Math.min(Math.max(rttMs, 5), 2000), samples: 1 };
  }
  const delta = rttMs - s.srtt;
  if (delta > 1500 && delta > 3 * s.srtt + 2 * s.rttvar) return s;
  return { srtt: s.srtt + delta / 8, rttvar: s.rttvar + (Math.abs(delta) - s.rttvar) / 4, samples: s.samples + 1 };
}

/** The probe timeout (ms) the state gives, clamped to the limits. */
export function rttTimeout(s: RttState, limits: RttLimits = DEFAULT_RTT_LIMITS): number {
  if (s.srtt === null || s.rttvar === null) return Math.min(Math.max(limits.initialMs, limits.minMs), limits.maxMs);
  return Math.min(Math.max(s.srtt + 4 * s.rttvar, limits.minMs), limits.maxMs);
}
