package io.lockstep.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads typed values out of a resolved {@link Config}, turning every type problem into a {@link ConfigError} that
 * names the key and shows the value: {@code lockstep.workers: must be an integer, got "two"}. Ranges are not its
 * business: {@link TrainConfig} checks them.
 */
final class ConfigReader {
    private final Config config;

    ConfigReader(Config config) {
        this.config = config;
    }

    /** A string; numbers and booleans are taken as their text, as HOCON does. Must not be blank. */
    String string(String key) {
        ConfigValue value = scalar(key, "a string");
        String text = String.valueOf(value.unwrapped());
        if (text.isBlank()) {
            throw new ConfigError(key, "must not be empty");
        }
        return text;
    }

    int integer(String key) {
        long value = longInteger(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ConfigError(key, "must be an integer of at most " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    long longInteger(String key) {
        Number number = number(key, "an integer");
        double asDouble = number.doubleValue();
        if (!(number instanceof Integer || number instanceof Long)
                && (asDouble != Math.rint(asDouble) || Math.abs(asDouble) >= 0x1p63)) {
            throw new ConfigError(key, "must be an integer, got " + render(key));
        }
        return number instanceof Integer || number instanceof Long ? number.longValue() : (long) asDouble;
    }

    /** A list of integers, such as {@code [80, 120]}. */
    List<Long> longList(String key) {
        try {
            return config.getLongList(key);
        } catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigError(key, "must be a list of integers such as [80, 120], got " + render(key));
        }
    }

    double decimal(String key) {
        return number(key, "a number").doubleValue();
    }

    /** A number, or null when the value is {@code null}. */
    Double nullableDecimal(String key) {
        if (config.getIsNull(key)) {
            return null;
        }
        return number(key, "a number or null").doubleValue();
    }

    boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigError(key, "must be true or false, got " + render(key));
        }
    }

    /** A HOCON duration: {@code 30s}, {@code 5m}, {@code 1h}, or a number of milliseconds. */
    Duration duration(String key) {
        try {
            return config.getDuration(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue | ConfigException.Null e) {
            throw new ConfigError(key, "must be a duration such as 30s, 5m or 1h, got " + render(key));
        }
    }

    /** One of {@code values}, written as its spelling. */
    <E extends Enum<E>> E choice(String key, E[] values, Function<E, String> spelling) {
        String text = String.valueOf(scalar(key, "one of " + spellings(values, spelling)).unwrapped());
        for (E value : values) {
            if (spelling.apply(value).equals(text)) {
                return value;
            }
        }
        throw new ConfigError(key, "must be one of " + spellings(values, spelling) + ", got " + render(key));
    }

    /**
     * An object of scalar settings, flattened to dotted keys: {@code { spark.executor.memory = 4g }} and
     * {@code { "spark.executor.memory" = 4g }} both give {@code spark.executor.memory -> 4g}. Sorted by key.
     */
    Map<String, String> flatStringMap(String key) {
        ConfigValue value = value(key);
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigError(key, "must be an object of settings, got " + render(key));
        }
        Map<String, String> flat = new TreeMap<>();
        flatten(key, (ConfigObject) value, List.of(), flat);
        return flat;
    }

    private void flatten(String key, ConfigObject object, List<String> prefix, Map<String, String> into) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(entry.getKey());
            String name = String.join(".", path);
            ConfigValue value = entry.getValue();
            switch (value.valueType()) {
                case OBJECT -> flatten(key, (ConfigObject) value, path, into);
                case STRING, NUMBER, BOOLEAN -> {
                    if (into.put(name, String.valueOf(value.unwrapped())) != null) {
                        throw new ConfigError(key, name + " is set twice (once quoted, once as nested objects)");
                    }
                }
                default -> throw new ConfigError(key, name + " must be a string, number or boolean, got "
                        + value.render(ConfigRenderOptions.concise()));
            }
        }
    }

    private Number number(String key, String what) {
        try {
            return config.getNumber(key);
        } catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigError(key, "must be " + what + ", got " + render(key));
        }
    }

    private ConfigValue scalar(String key, String what) {
        ConfigValue value = value(key);
        if (value.valueType() != ConfigValueType.STRING && value.valueType() != ConfigValueType.NUMBER
                && value.valueType() != ConfigValueType.BOOLEAN) {
            throw new ConfigError(key, "must be " + what + ", got " + render(key));
        }
        return value;
    }

    private ConfigValue value(String key) {
        if (!config.hasPathOrNull(key)) {
            throw new ConfigError(key, "is missing");
        }
        if (config.getIsNull(key)) {
            throw new ConfigError(key, "must be set, got null");
        }
        return config.getValue(key);
    }

    /** The value as HOCON shows it ({@code "two"}, {@code 2.5}, {@code null}, {@code {"a":1}}). */
    private String render(String key) {
        if (!config.hasPathOrNull(key)) {
            return "nothing";
        }
        if (config.getIsNull(key)) {
            return "null";
        }
        return config.getValue(key).render(ConfigRenderOptions.concise());
    }

    private static <E> String spellings(E[] values, Function<E, String> spelling) {
        List<String> names = Arrays.stream(values).map(spelling).toList();
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
