package io.lockstep.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a person sees it: rendered by headless Chromium (Debian's, installed by
 * deploy/install-test-tools.sh), its screenshot must show the charts' colours, not just a page.
 */
class ReportRenderingTest {

    private static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return fail("Chromium is not installed: run deploy/install-test-tools.sh (bin/lockstep test does)");
    }

    private static BufferedImage screenshot(Path page, Path dir) throws IOException, InterruptedException {
        Path png = dir.resolve("report.png");
        Process process = new ProcessBuilder(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=900,2400", "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "Chromium finished");
        assertEquals(0, process.exitValue(), "Chromium failed:\n" + output);
        return ImageIO.read(png.toFile());
    }

    private static int pixelsOf(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int pixel = image.getRGB(x, y) & 0xFFFFFF;
                if (Math.abs(((pixel >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) < 24
                        && Math.abs(((pixel >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) < 24
                        && Math.abs((pixel & 0xFF) - (rgb & 0xFF)) < 24) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void chromiumDrawsTheChartsLinesAndTheHeatMaps(@TempDir Path dir) throws Exception {
        Path report = ReportWriter.write(SampleRun.write(Files.createDirectories(dir.resolve("run"))));
        BufferedImage image = screenshot(report, dir);

        assertTrue(pixelsOf(image, 0x1f77b4) > 300, "the blue loss and clipped-norm lines are drawn");
        assertTrue(pixelsOf(image, 0xd62728) > 100, "the red unclipped-norm line is drawn");
        assertTrue(pixelsOf(image, 0x2ca02c) > 50, "the green accuracy line is drawn");
        assertTrue(pixelsOf(image, 0x9467bd) > 100, "the purple learning-rate line is drawn");
        // the heat maps: the explosion's bright yellow cells, hsl(55, 80%, 65%) = rgb(238, 225, 94), about 600 pixels
        // in each (the gradient norms' and the batch variances')
        assertTrue(pixelsOf(image, 0xeee15e) > 900, "both heat maps' brightest cells are drawn");
    }
}
