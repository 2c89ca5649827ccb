import { renderToStaticMarkup } from 'react-dom/server';
import { Curve } from 'recharts';
import { describe, expect, it } from 'vitest';
import { PULL_CURVE } from './pull-chart';

/** Every y the path's points and control points reach (SVG y grows downwards: the baseline is the largest). */
function pathYs(type: Parameters<typeof Curve>[0]['type'], values: number[]): number[] {
  const baseline = 100;
  const points = values.map((value, index) => ({ x: index * 10, y: baseline - value }));
  const html = renderToStaticMarkup(
    <svg>
      <Curve type={type} points={points} />
    </svg>,
  );
  const d = /\sd="([^"]+)"/.exec(html)![1]!;
  const numbers = d.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)!.map(Number);
  return numbers.filter((_, index) => index % 2 === 1);
}

describe('the pulls chart curve', () => {
  // Busy days next to days without a pull: a smoothing curve that overshoots dips below zero there.
  const spiky = [0, 0, 40, 0, 0, 3, 55, 2, 0, 0];

  it('never goes below zero between the points', () => {
    expect(Math.max(...pathYs(PULL_CURVE, spiky))).toBeLessThanOrEqual(100);
  });

  it('would with a curve that overshoots (the check can fail)', () => {
    expect(Math.max(...pathYs('natural', spiky))).toBeGreaterThan(100);
  });
});
