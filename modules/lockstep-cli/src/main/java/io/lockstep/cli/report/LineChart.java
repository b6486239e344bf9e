package io.lockstep.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: series of (x, y) points (NaN y breaks the line), optional horizontal threshold
 * lines, axes with five ticks, a legend; linear or logarithmic y. Every series is a {@code path.series}.
 */
final class LineChart {
    static final int WIDTH = 760;
    static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    private static final int BOTTOM = 36;

    private record Series(String name, String color, double[] x, double[] y) {
    }

    private record Threshold(String name, String color, double y) {
    }

    private final String title;
    private final String xLabel;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private final List<Threshold> thresholds = new ArrayList<>();

    LineChart(String title, String xLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.logY = logY;
    }

    LineChart series(String name, String color, double[] x, double[] y) {
        series.add(new Series(name, color, x, y));
        return this;
    }

    LineChart threshold(String name, String color, double y) {
        thresholds.add(new Threshold(name, color, y));
        return this;
    }

    String svg() {
        double[] xRange = range(series.stream().map(Series::x).toList(), false);
        List<double[]> ys = new ArrayList<>(series.stream().map(Series::y).toList());
        thresholds.forEach(t -> ys.add(new double[] {t.y()}));
        double[] yRange = range(ys, logY);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<text class=\"title\" x=\"").append(LEFT).append("\" y=\"18\">").append(Html.escape(title)).append("</text>");
        axes(svg, xRange, yRange);
        for (Threshold threshold : thresholds) {
            double y = yPixel(threshold.y(), yRange);
            svg.append(String.format(Locale.ROOT, "<line class=\"threshold\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"%s\" stroke-dasharray=\"6 4\"/>", LEFT, WIDTH - RIGHT, y, y, threshold.color()));
        }
        for (Series s : series) {
            svg.append("<path class=\"series\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(s.color())
                    .append("\" d=\"").append(path(s, xRange, yRange)).append("\"/>");
        }
        legend(svg);
        return svg.append("</svg>").toString();
    }

    private String path(Series s, double[] xRange, double[] yRange) {
        StringBuilder d = new StringBuilder();
        boolean drawing = false;
        for (int i = 0; i < s.x().length; i++) {
            double y = s.y()[i];
            if (!Double.isFinite(y) || (logY && y <= 0)) {
                drawing = false;
                continue;
            }
            d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", drawing ? "L" : "M", xPixel(s.x()[i], xRange),
                    yPixel(y, yRange)));
            drawing = true;
        }
        return d.toString().trim();
    }

    private void axes(StringBuilder svg, double[] xRange, double[] yRange) {
        int bottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<path class=\"axis\" stroke=\"#888\" fill=\"none\" d=\"M%d %d L%d %d L%d %d\"/>",
                LEFT, TOP, LEFT, bottom, WIDTH - RIGHT, bottom));
        for (int i = 0; i <= 4; i++) {
            double fraction = i / 4.0;
            double xValue = xRange[0] + fraction * (xRange[1] - xRange[0]);
            double x = xPixel(xValue, xRange);
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    x, bottom + 16, xRange[1] - xRange[0] >= 10 ? String.valueOf(Math.round(xValue)) : format(xValue)));
            double yValue = logY ? Math.pow(10, Math.log10(yRange[0]) + fraction * (Math.log10(yRange[1]) - Math.log10(yRange[0])))
                    : yRange[0] + fraction * (yRange[1] - yRange[0]);
            double y = yPixel(yValue, yRange);
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    LEFT - 6, y + 4, format(yValue)));
            svg.append(String.format(Locale.ROOT, "<line stroke=\"#eee\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
                    LEFT + 1, WIDTH - RIGHT, y, y));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                WIDTH - RIGHT, HEIGHT - 4, Html.escape(xLabel)));
    }

    private void legend(StringBuilder svg) {
        int x = WIDTH - RIGHT;
        List<String[]> entries = new ArrayList<>();
        series.forEach(s -> entries.add(new String[] {s.name(), s.color()}));
        thresholds.forEach(t -> entries.add(new String[] {t.name(), t.color()}));
        for (int i = entries.size() - 1; i >= 0; i--) {
            String name = entries.get(i)[0];
            x -= 14 + 7 * name.length();
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"19\">%s</text>", x, entries.get(i)[1], x + 13, Html.escape(name)));
        }
    }

    private static double xPixel(double x, double[] range) {
        return LEFT + (x - range[0]) / (range[1] - range[0]) * (WIDTH - LEFT - RIGHT);
    }

    private double yPixel(double y, double[] range) {
        double fraction = logY ? (Math.log10(y) - Math.log10(range[0])) / (Math.log10(range[1]) - Math.log10(range[0]))
                : (y - range[0]) / (range[1] - range[0]);
        return HEIGHT - BOTTOM - fraction * (HEIGHT - TOP - BOTTOM);
    }

    /** [min, max] of the finite (and, for a log axis, positive) values; never empty or zero-width. */
    private static double[] range(List<double[]> arrays, boolean log) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] values : arrays) {
            for (double v : values) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            return log ? new double[] {0.1, 1} : new double[] {0, 1};
        }
        if (min == max) {
            double pad = min == 0 ? 0.5 : Math.abs(min) * 0.1;
            return log ? new double[] {min / 2, max * 2} : new double[] {min - pad, max + pad};
        }
        return new double[] {min, max};
    }

    static String format(double value) {
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 1e-2 || magnitude >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", value);
        }
        return String.format(Locale.ROOT, magnitude >= 100 ? "%.0f" : "%.3g", value);
    }
}
