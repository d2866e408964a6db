// A small React wrapper around uPlot: builds the chart once per options/data change, follows the
// container's width, and tears down on unmount.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface UPlotChartProps {
  /** Everything but the size, which follows the container. Memoise it: a new object rebuilds. */
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  height?: number;
  className?: string;
}

export function UPlotChart({ options, data, height = 280, className }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = container.current;
    if (!target) return;
    const width = () => Math.max(240, Math.floor(target.clientWidth));
    const chart = new uPlot({ ...options, width: width(), height }, data, target);
    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height }));
    observer.observe(target);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);

  return <div ref={container} className={className} />;
}
