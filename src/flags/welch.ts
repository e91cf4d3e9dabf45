/**
 * Welch's two-sample t-test, one-sided, for the feedback_selection rule. Pure functions.
 *
 * For samples a and b with means m_a, m_b, sample variances s_a², s_b² (divisor n - 1) and sizes
 * n_a, n_b:
 *
 *   t  = (m_a - m_b) / sqrt(s_a²/n_a + s_b²/n_b)
 *   df = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a - 1) + (s_b²/n_b)²/(n_b - 1))   (Welch-Satterthwaite)
 *   p  = P(T_df >= t), the upper tail of Student's t with df degrees of freedom (H1: mean a > mean b)
 *
 * The tail is computed from the regularized incomplete beta function,
 * P(T_df >= t) = I_x(df/2, 1/2) / 2 with x = df / (df + t²) for t >= 0 (Abramowitz and Stegun
 * 26.7.1), evaluated by its continued fraction (Lentz's method, as in Numerical Recipes' betacf).
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
export function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of I_x(a, b) (Numerical Recipes 6.4, modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use the symmetry.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(T_df >= t) for Student's t with df > 0 degrees of freedom. */
export function studentTUpperTail(t: number, df: number): number {
  const half = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? half : 1 - half;
}

export interface SampleStats {
  n: number;
  mean: number;
  /** Sample variance, divisor n - 1. */
  variance: number;
}

/** n, mean and sample variance from the count, the sum and the sum of squares (as SQL aggregates them). */
export function statsFromSums(n: number, sum: number, sumSquares: number): SampleStats {
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1)) : 0;
  return { n, mean, variance };
}

export interface WelchResult {
  /** m_a - m_b */
  difference: number;
  /** null when both samples have no spread (then p is 0 for a positive difference, 1 otherwise). */
  t: number | null;
  df: number | null;
  /** One-sided p-value of H1: mean a > mean b. */
  p: number;
}

/** Welch's t-test of H1: mean(a) > mean(b). */
export function welchTest(a: SampleStats, b: SampleStats): WelchResult {
  const difference = a.mean - b.mean;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (se2 === 0) return { difference, t: null, df: null, p: difference > 0 ? 0 : 1 };
  const t = difference / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { difference, t, df, p: studentTUpperTail(t, df) };
}
