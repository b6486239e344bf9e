package io.lockstep.cli.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A per-layer quantity over the steps as an SVG heat map: one row per layer (in network order), one column per
 * bucket of steps, colour by log10 of the bucket's mean value from dark blue (smallest) to yellow (largest). For
 * gradient norms, where an explosion starts shows as the first bright cell of a row.
 */
final class HeatMap {
    private static final int LEFT = 90;
    private static final int TOP = 30;
    private static final int ROW = 14;
    private static final int MAX_COLUMNS = 200;

    private HeatMap() {
    }

    /**
     * @param title    what the cells show
     * @param perLayer each step's values by layer; rows are the layers in the order they first appear
     */
    static String svg(String title, List<RunRecords.Step> steps, Function<RunRecords.Step, Map<String, Double>> perLayer) {
        List<String> layers = RunRecords.layers(steps, perLayer);
        int columns = Math.max(1, Math.min(MAX_COLUMNS, steps.size()));
        double[][] cells = new double[layers.size()][columns];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int row = 0; row < layers.size(); row++) {
            for (int column = 0; column < columns; column++) {
                int from = column * steps.size() / columns;
                int to = Math.max(from + 1, (column + 1) * steps.size() / columns);
                double sum = 0;
                int count = 0;
                for (int i = from; i < to && i < steps.size(); i++) {
                    Double value = perLayer.apply(steps.get(i)).get(layers.get(row));
                    if (value != null && Double.isFinite(value) && value > 0) {
                        sum += value;
                        count++;
                    }
                }
                cells[row][column] = count == 0 ? Double.NaN : Math.log10(sum / count);
                if (count > 0) {
                    min = Math.min(min, cells[row][column]);
                    max = Math.max(max, cells[row][column]);
                }
            }
        }
        int width = LEFT + 560 + 20;
        double cellWidth = 560.0 / columns;
        int height = TOP + Math.max(1, layers.size()) * ROW + 30;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"chart heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\">", width, height, width, height));
        svg.append("<text class=\"title\" x=\"").append(LEFT).append("\" y=\"18\">").append(Html.escape(title))
                .append(" (log10, per step bucket)</text>");
        if (layers.isEmpty()) {
            svg.append("<text class=\"tick\" x=\"").append(LEFT).append("\" y=\"44\">nothing recorded</text>");
        }
        for (int row = 0; row < layers.size(); row++) {
            int y = TOP + row * ROW;
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                    LEFT - 6, y + 11, Html.escape(layers.get(row))));
            for (int column = 0; column < columns; column++) {
                svg.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
                        + "fill=\"%s\"/>", LEFT + column * cellWidth, y, cellWidth + 0.3, ROW - 1,
                        colour(cells[row][column], min, max)));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\">steps %s to %s; colour from 10^%s "
                        + "(dark) to 10^%s (bright)</text>", LEFT, height - 8,
                steps.isEmpty() ? "-" : String.valueOf(steps.get(0).step()),
                steps.isEmpty() ? "-" : String.valueOf(steps.get(steps.size() - 1).step()),
                LineChart.format(min), LineChart.format(max)));
        return svg.append("</svg>").toString();
    }

    /** Dark blue (hue 240, dark) to yellow (hue 55, light) along log10 norm; grey for no data. */
    private static String colour(double value, double min, double max) {
        if (!Double.isFinite(value)) {
            return "#ddd";
        }
        double t = max > min ? (value - min) / (max - min) : 0.5;
        return String.format(Locale.ROOT, "hsl(%.0f, 80%%, %.0f%%)", 240 - 185 * t, 20 + 45 * t);
    }
}
