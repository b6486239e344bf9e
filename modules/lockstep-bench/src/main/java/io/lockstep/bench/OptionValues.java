package io.lockstep.bench;

/** Values of the benchmarks' command-line options, with a one-line reason naming the option when one is bad. */
final class OptionValues {
    private OptionValues() {
    }

    static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes an integer, got '" + value + "'");
        }
    }

    static long longValue(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes an integer, got '" + value + "'");
        }
    }

    static double decimal(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a number, got '" + value + "'");
        }
    }
}
