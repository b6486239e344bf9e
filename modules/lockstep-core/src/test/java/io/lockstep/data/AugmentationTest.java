package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.data.Augmentation.Draw;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static final int C = 3;
    private static final int H = 32;
    private static final int W = 32;
    private static final int COUNT = 64;
    private static final Augmentation CIFAR = Augmentation.cifar();
    private static final LabeledImages IMAGES = randomImages(COUNT);
    private static final int[] ALL = IntStream.range(0, COUNT).toArray();

    private static LabeledImages randomImages(int count) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] pixels = new byte[count * C * H * W];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (1 + random.nextInt(255)); // never 0, so that padding is recognizable
        }
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        return LabeledImages.of(pixels, labels, 10, C, H, W);
    }

    @Test
    void sameSeedEpochAndExampleGiveTheSameAugmentation() {
        LabeledImages first = CIFAR.apply(IMAGES, ALL, 7, 3);
        LabeledImages second = CIFAR.apply(IMAGES, ALL, 7, 3);

        assertEquals(first, second);
        assertEquals(CIFAR.draw(7, 3, 12), CIFAR.draw(7, 3, 12));
    }

    @Test
    void dependsOnTheExampleNotOnItsPositionInTheSelection() {
        LabeledImages alone = CIFAR.apply(IMAGES, new int[] {12}, 7, 3);
        LabeledImages amongOthers = CIFAR.apply(IMAGES, new int[] {40, 3, 12}, 7, 3);

        assertArrayEquals(alone.image(0), amongOthers.image(2));
    }

    @Test
    void centreCropWithoutFlipIsTheIdentity() {
        byte[] image = IMAGES.image(5);

        assertArrayEquals(image, CIFAR.apply(image, C, H, W, new Draw(4, 4, false)));
        assertEquals(new Draw(4, 4, false), Draw.identity(CIFAR));
    }

    @Test
    void noPaddingAndNoFlipLeaveEveryImageUnchanged() {
        Augmentation none = Augmentation.of(0, 0.0);

        assertEquals(IMAGES, none.apply(IMAGES, ALL, 7, 3));
    }

    @Test
    void flipMirrorsEachRow() {
        byte[] flipped = CIFAR.apply(IMAGES.image(5), C, H, W, new Draw(4, 4, true));

        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    assertEquals(IMAGES.pixel(5, c, y, x), Byte.toUnsignedInt(flipped[(c * H + y) * W + W - 1 - x]));
                }
            }
        }
    }

    @Test
    void flippingTwiceRestoresTheImage() {
        byte[] image = IMAGES.image(9);
        Draw flip = new Draw(4, 4, true);

        assertArrayEquals(image, CIFAR.apply(CIFAR.apply(image, C, H, W, flip), C, H, W, flip));
    }

    @Test
    void cropShiftsTheImageAndFillsThePaddingWithZeros() {
        // offset (0, 8): the window starts 4 rows above and 4 columns right of the image's corner
        byte[] cropped = CIFAR.apply(IMAGES.image(5), C, H, W, new Draw(0, 8, false));

        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int sourceY = y - 4;
                    int sourceX = x + 4;
                    int expected = sourceY >= 0 && sourceX < W ? IMAGES.pixel(5, c, sourceY, sourceX) : 0;
                    assertEquals(expected, Byte.toUnsignedInt(cropped[(c * H + y) * W + x]),
                            "c=" + c + " y=" + y + " x=" + x);
                }
            }
        }
    }

    @Test
    void cropAndFlipComposeAsCropThenMirror() {
        byte[] image = IMAGES.image(5);
        byte[] cropped = CIFAR.apply(image, C, H, W, new Draw(2, 7, false));

        byte[] both = CIFAR.apply(image, C, H, W, new Draw(2, 7, true));

        assertArrayEquals(CIFAR.apply(cropped, C, H, W, new Draw(4, 4, true)), both);
    }

    @Test
    void differentEpochsGiveDifferentAugmentations() {
        assertNotEquals(CIFAR.apply(IMAGES, ALL, 7, 0), CIFAR.apply(IMAGES, ALL, 7, 1));
        int changed = 0;
        for (int i = 0; i < COUNT; i++) {
            if (!CIFAR.draw(7, 0, i).equals(CIFAR.draw(7, 1, i))) {
                changed++;
            }
        }
        // 162 possible draws: an example keeps its draw with probability 1/162
        assertTrue(changed >= COUNT - 3, changed + " of " + COUNT + " examples changed between epochs");
    }

    @Test
    void differentSeedsGiveDifferentAugmentations() {
        assertNotEquals(CIFAR.apply(IMAGES, ALL, 7, 0), CIFAR.apply(IMAGES, ALL, 8, 0));
    }

    @Test
    void drawsCoverAllOffsetsAndFlipAboutHalf() {
        Set<Integer> offsetsY = new HashSet<>();
        Set<Integer> offsetsX = new HashSet<>();
        int flips = 0;
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            Draw draw = CIFAR.draw(1, 0, i);
            offsetsY.add(draw.offsetY());
            offsetsX.add(draw.offsetX());
            flips += draw.flip() ? 1 : 0;
        }
        Set<Integer> all = new HashSet<>(IntStream.rangeClosed(0, 8).boxed().toList());
        assertEquals(all, offsetsY);
        assertEquals(all, offsetsX);
        // binomial(10000, 0.5): standard deviation 50
        assertEquals(draws / 2.0, flips, 250);
    }

    @Test
    void keepsLabelsAndGeometry() {
        int[] indices = {3, 3, 17};
        LabeledImages augmented = CIFAR.apply(IMAGES, indices, 7, 2);

        assertEquals(3, augmented.count());
        assertEquals(IMAGES.label(17), augmented.label(2));
        assertEquals(IMAGES.numClasses(), augmented.numClasses());
        assertEquals(IMAGES.imageSize(), augmented.imageSize());
        assertArrayEquals(augmented.image(0), augmented.image(1));
    }

    @Test
    void leavesTheInputUnchanged() {
        LabeledImages before = LabeledImages.concat(java.util.List.of(IMAGES));

        CIFAR.apply(IMAGES, ALL, 7, 0);

        assertEquals(before, IMAGES);
    }

    @Test
    void worksOnGreyImagesOfOtherSizes() {
        byte[] pixels = new byte[2 * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (1 + i % 255);
        }
        LabeledImages mnistLike = LabeledImages.of(pixels, new byte[] {0, 1}, 10, 1, 28, 28);
        Augmentation augmentation = Augmentation.of(2, 0.5);

        LabeledImages augmented = augmentation.apply(mnistLike, new int[] {1, 0}, 3, 0);

        assertEquals(28, augmented.height());
        assertEquals(1, augmented.label(0));
        assertArrayEquals(augmentation.apply(mnistLike.image(1), 1, 28, 28, augmentation.draw(3, 0, 1)),
                augmented.image(0));
    }

    @Test
    void rejectsOffsetsOutsideThePadding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CIFAR.apply(IMAGES.image(0), C, H, W, new Draw(9, 0, false)));
        assertTrue(e.getMessage().contains("0..8"), e.getMessage());
    }

    @Test
    void rejectsNegativePadding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.of(-1, 0.5));
        assertTrue(e.getMessage().startsWith("padding "), e.getMessage());
    }

    @Test
    void rejectsFlipProbabilityOutsideZeroToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.of(4, 1.5));
        assertTrue(e.getMessage().startsWith("flipProbability "), e.getMessage());
    }
}
