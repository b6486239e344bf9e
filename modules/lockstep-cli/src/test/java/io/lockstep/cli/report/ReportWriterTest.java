package io.lockstep.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static int count(String html, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(html);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** The heat map whose title starts with {@code title}. */
    private static String heatMap(String html, String title) {
        Matcher matcher = Pattern.compile("<svg class=\"chart heatmap\".*?</svg>").matcher(html);
        while (matcher.find()) {
            if (matcher.group().contains(">" + title)) {
                return matcher.group();
            }
        }
        throw new AssertionError("no heat map titled " + title);
    }

    @Test
    void theReportHasEveryChartWithDrawnSeries(@TempDir Path dir) throws IOException {
        String html = Files.readString(ReportWriter.write(SampleRun.write(dir)));

        assertEquals(9, count(html, "<svg class=\"chart"), "7 line charts and the 2 heat maps");
        assertEquals(0, count(html, "class=\"series\"[^>]*d=\"\""), "no series is empty");
        assertEquals(8, count(html, "class=\"series\""), "loss, accuracy, 2 norms, clip rate, lr, images/s, comm share");
        assertEquals(1, count(html, "class=\"threshold\""), "the clipping threshold line");
        assertEquals(3 * SampleRun.STEPS, count(heatMap(html, "Gradient norm"), "class=\"cell\""),
                "3 layers x 120 step columns");
        assertEquals(2 * SampleRun.STEPS, count(heatMap(html, "Batch variance"), "class=\"cell\""),
                "2 SyncBN layers x 120 step columns");
    }

    @Test
    void aNetworkWithoutSyncBatchNormHasNoBatchVarianceHeatMap(@TempDir Path dir) throws IOException {
        String html = Files.readString(ReportWriter.write(SampleRun.write(dir, false)));
        assertEquals(8, count(html, "<svg class=\"chart"), "7 line charts and the gradient-norm heat map");
        assertFalse(html.contains("Batch variance"));
    }

    @Test
    void theReportNeedsNothingFromTheNetwork(@TempDir Path dir) throws IOException {
        String html = Files.readString(ReportWriter.write(SampleRun.write(dir)));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"));
        assertFalse(html.contains("https://"));
        assertFalse(html.contains("<script"));
    }

    @Test
    void theExplodingLayerShowsAsTheBrightestCells(@TempDir Path dir) throws IOException {
        String html = Files.readString(ReportWriter.write(SampleRun.write(dir)));
        // the brightest colour (lightness 65%) appears only in layer 2's row, at the explosion's 10 steps
        assertEquals(10, count(heatMap(html, "Gradient norm"), "hsl\\(55, 80%, 65%\\)"));
    }

    @Test
    void theBatchVarianceHeatMapHasARowPerSyncBatchNormLayer(@TempDir Path dir) throws IOException {
        String heatMap = heatMap(Files.readString(ReportWriter.write(SampleRun.write(dir))), "Batch variance");
        assertTrue(heatMap.contains(">1</text>") && heatMap.contains(">3</text>"), heatMap);
        // layer 1's variance follows the explosion: its 10 steps are the brightest cells
        assertEquals(10, count(heatMap, "hsl\\(55, 80%, 65%\\)"));
    }

    @Test
    void aDirectoryWithoutMetricsIsAClearError(@TempDir Path dir) {
        IOException error = assertThrows(IOException.class, () -> ReportWriter.write(dir));
        assertTrue(error.getMessage().contains("metrics.jsonl: not found"), error.getMessage());
    }
}
