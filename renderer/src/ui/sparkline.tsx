/** A tiny inline trend (SVG): cheap enough for one per row of a list. */
export function Sparkline({ values, width = 120, height = 28, label }: { values: number[]; width?: number; height?: number; label: string }) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((value, i) => `${(i * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`).join(' ');
  const area = values.length > 1 ? `0,${height} ${points} ${width},${height}` : '';
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      {values.length > 1 ? (
        <>
          <polygon className="sparkline-area" points={area} />
          <polyline className="sparkline-line" points={points} />
        </>
      ) : (
        <line className="sparkline-empty" x1="0" x2={width} y1={height - 2} y2={height - 2} />
      )}
    </svg>
  );
}
