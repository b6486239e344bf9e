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

    @Test
    void theReportHasEveryChartWithDrawnSeries(@TempDir Path dir) throws IOException {
        String html = Files.readString(ReportWriter.write(SampleRun.write(dir)));

        assertEquals(8, count(html, "<svg class=\"chart"), "7 line charts and the heat map");
        assertEquals(0, count(html, "class=\"series\"[^>]*d=\"\""), "no series is empty");
        assertEquals(8, count(html, "class=\"series\""), "loss, accuracy, 2 norms, clip rate, lr, images/s, comm share");
        assertEquals(1, count(html, "class=\"threshold\""), "the clipping threshold line");
        assertEquals(3 * SampleRun.STEPS, count(html, "class=\"cell\""), "3 layers x 120 step columns");
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
        assertEquals(10, count(html, "hsl\\(55, 80%, 65%\\)"));
    }

    @Test
    void aDirectoryWithoutMetricsIsAClearError(@TempDir Path dir) {
        IOException error = assertThrows(IOException.class, () -> ReportWriter.write(dir));
        assertTrue(error.getMessage().contains("metrics.jsonl: not found"), error.getMessage());
    }
}
