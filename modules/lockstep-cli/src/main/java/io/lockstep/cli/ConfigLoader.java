package io.lockstep.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Builds a {@link TrainConfig} from three layers, each over the one before: Lockstep's defaults
 * ({@code reference.conf}), the user's CONFIG file, and {@code --set key=value} overrides. Substitutions
 * ({@code ${lockstep.data.name}}) are resolved after merging, so a default that refers to another setting
 * follows the user's value of it.
 *
 * <p>Everything that can be wrong is reported in one line that says where: a missing or unparsable file, a key
 * under {@code lockstep} that Lockstep does not know (with the closest known key), a value of the wrong type or
 * out of range ({@link ConfigError} placed at the file or {@code --set} the value came from).
 */
final class ConfigLoader {
    /** Every setting lives under this key. */
    static final String ROOT = "lockstep";
    /** The origin of values given with {@code --set}, as error messages name it. */
    static final String SET_ORIGIN = "--set";
    /** In {@code lockstep.run-dir}: the CONFIG file's name without its extension. */
    static final String CONFIG_NAME_PLACEHOLDER = "{config}";

    private static final String REFERENCE = "reference.conf";

    private ConfigLoader() {
    }

    /**
     * A loaded configuration, and where its values came from: {@link #place} puts a {@link ConfigError} found later
     * (say, a data directory that holds the wrong images) at the file or {@code --set} that set its key.
     */
    record Loaded(TrainConfig config, Origins origins) {
        ConfigError place(ConfigError error) {
            return error.origin() == null ? error.at(origins.of(error.key())) : error;
        }
    }

    /** Loads {@code file} with the given {@code key=value} overrides over the defaults. */
    static Loaded load(Path file, List<String> sets) {
        Config fileConfig = parseFile(file);
        Config overrides = parseSets(sets);
        Config reference = reference();
        Config merged;
        try {
            merged = overrides.withFallback(fileConfig).withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new InputError(e.getMessage(), e);
        }
        Origins origins = new Origins(merged, file.toString());
        try {
            checkKeys(merged, reference.resolve());
            String runDir = new ConfigReader(merged).string(TrainConfig.RUN_DIR)
                    .replace(CONFIG_NAME_PLACEHOLDER, configName(file));
            TrainConfig config = TrainConfig.from(merged.withValue(TrainConfig.RUN_DIR, ConfigValueFactory.fromAnyRef(runDir)));
            return new Loaded(config, origins);
        } catch (ConfigError e) {
            throw e.origin() == null ? e.at(origins.of(e.key())) : e;
        }
    }

    /** Lockstep's defaults, unresolved: only the {@code lockstep} tree of every {@code reference.conf}. */
    static Config reference() {
        return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), REFERENCE).withOnlyPath(ROOT);
    }

    /** The default {@code lockstep.data.dir} of a dataset, as {@code reference.conf} derives it from the name. */
    static String defaultDataDir(String dataset) {
        return ConfigFactory.empty()
                .withValue(TrainConfig.DATA_NAME, ConfigValueFactory.fromAnyRef(dataset))
                .withFallback(reference()).resolve()
                .getString(TrainConfig.DATA_DIR);
    }

    /** Every key of {@code reference.conf} that holds a value (null included), sorted. */
    static TreeSet<String> referenceKeys() {
        return leafKeys(reference().resolve().root());
    }

    /**
     * Every key under {@code root} that holds a value (null included; {@code lockstep.spark.conf} counts as one
     * value), sorted.
     */
    static TreeSet<String> leafKeys(ConfigObject root) {
        TreeSet<String> keys = new TreeSet<>();
        collectLeaves(root, List.of(), keys);
        return keys;
    }

    /** The file name without its last extension: {@code examples/mnist-mlp.conf -> mnist-mlp}. */
    static String configName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static Config parseFile(Path file) {
        if (!Files.exists(file)) {
            throw new InputError(file + ": config file not found");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InputError(file + ": not a readable file");
        }
        Config config;
        try {
            config = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new InputError(e.getMessage(), e);
        }
        for (String key : config.root().keySet()) {
            if (!key.equals(ROOT)) {
                throw new ConfigError(file.toString(), ConfigUtil.joinPath(key),
                        "unknown top-level key: every setting lives under " + ROOT + " (" + ROOT + "." + key + " ...)");
            }
        }
        return config;
    }

    /** Parses {@code key=value} overrides into one config, later ones over earlier ones. */
    private static Config parseSets(List<String> sets) {
        Config overrides = ConfigFactory.empty();
        for (String set : sets) {
            int equals = set.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("--set needs key=value, got '" + set + "'");
            }
            String key = set.substring(0, equals).strip();
            try {
                ConfigUtil.splitPath(key);
            } catch (ConfigException e) {
                throw new UsageException("--set " + set + ": '" + key + "' is not a valid key");
            }
            if (!key.startsWith(ROOT + ".")) {
                throw new ConfigError(SET_ORIGIN, key, "unknown key: every setting lives under " + ROOT
                        + " (did you mean " + ROOT + "." + key + "?)");
            }
            overrides = parseSetValue(key, set.substring(equals + 1)).atPath(key).withFallback(overrides);
        }
        return overrides;
    }

    /**
     * A {@code --set} value: HOCON when it starts with a quote, bracket or brace ({@code "a b"}, {@code [1, 2]},
     * {@code {x = 1}}) or is a number, boolean or null; otherwise the text as it is, so that {@code local[*]},
     * {@code spark://host:7077} and {@code hdfs://nn/data} need no quoting.
     */
    static ConfigValue parseSetValue(String key, String raw) {
        String text = raw.strip();
        ConfigParseOptions options = ConfigParseOptions.defaults().setOriginDescription(SET_ORIGIN);
        boolean structured = text.startsWith("\"") || text.startsWith("[") || text.startsWith("{");
        Optional<ConfigValue> parsed;
        try {
            parsed = Optional.of(ConfigFactory.parseString("v = " + text, options).root().get("v"));
        } catch (ConfigException e) {
            if (structured) {
                throw new ConfigError(SET_ORIGIN, key, "cannot parse " + text + ": " + e.getMessage());
            }
            parsed = Optional.empty();
        }
        boolean scalar = parsed.isPresent() && parsed.get().valueType() != ConfigValueType.STRING
                && parsed.get().valueType() != ConfigValueType.OBJECT && parsed.get().valueType() != ConfigValueType.LIST
                && !text.contains("#") && !text.contains("//");
        if (structured || scalar) {
            return parsed.orElseThrow();
        }
        return ConfigValueFactory.fromAnyRef(text, SET_ORIGIN);
    }

    /**
     * Every key under {@code lockstep} must be one of {@code reference.conf}'s, and an object where the reference has
     * an object. Only {@code lockstep.spark.conf} holds free-form keys (Spark's).
     */
    private static void checkKeys(Config merged, Config reference) {
        ConfigValue root = merged.root().get(ROOT);
        if (root.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigError(ROOT, "must be an object of settings, got " + root.render(ConfigRenderOptions.concise()));
        }
        TreeSet<String> known = leafKeys(reference.root());
        checkObject((ConfigObject) root, (ConfigObject) reference.root().get(ROOT), List.of(ROOT), known);
    }

    private static void checkObject(ConfigObject given, ConfigObject expected, List<String> path, TreeSet<String> known) {
        for (Map.Entry<String, ConfigValue> entry : given.entrySet()) {
            List<String> childPath = append(path, entry.getKey());
            String key = ConfigUtil.joinPath(childPath);
            ConfigValue expectedValue = expected.get(entry.getKey());
            if (expectedValue == null) {
                throw new ConfigError(key, "unknown key" + suggestion(key, known));
            }
            if (key.equals(TrainConfig.SPARK_CONF)) {
                continue;
            }
            if (expectedValue.valueType() == ConfigValueType.OBJECT) {
                if (entry.getValue().valueType() != ConfigValueType.OBJECT) {
                    throw new ConfigError(key, "must be an object (with " + String.join(", ",
                            ((ConfigObject) expectedValue).keySet()) + "), got "
                            + entry.getValue().render(ConfigRenderOptions.concise()));
                }
                checkObject((ConfigObject) entry.getValue(), (ConfigObject) expectedValue, childPath, known);
            }
        }
    }

    private static void collectLeaves(ConfigObject object, List<String> path, TreeSet<String> into) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            List<String> childPath = append(path, entry.getKey());
            String key = ConfigUtil.joinPath(childPath);
            if (entry.getValue().valueType() == ConfigValueType.OBJECT && !key.equals(TrainConfig.SPARK_CONF)) {
                collectLeaves((ConfigObject) entry.getValue(), childPath, into);
            } else {
                into.add(key);
            }
        }
    }

    /** " (did you mean lockstep.train.batch-size?)" for the known key closest to a misspelled or misplaced one. */
    static String suggestion(String unknown, TreeSet<String> known) {
        String last = unknown.substring(unknown.lastIndexOf('.') + 1);
        Optional<String> samePlace = known.stream()
                .filter(key -> key.substring(key.lastIndexOf('.') + 1).equals(last)).findFirst();
        Optional<String> closest = samePlace.or(() -> known.stream()
                .filter(key -> editDistance(key, unknown) <= 3)
                .min(Comparator.comparingInt(key -> editDistance(key, unknown))));
        return closest.map(key -> " (did you mean " + key + "?)").orElse("");
    }

    /** Levenshtein distance. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static List<String> append(List<String> path, String element) {
        List<String> result = new ArrayList<>(path);
        result.add(element);
        return result;
    }

    /**
     * Where each value of the merged config came from, as error messages name it: {@code --set}, the file that set
     * it (the CONFIG file or one it includes), or, for a default, the CONFIG file (whose other settings made the
     * default wrong).
     */
    record Origins(Config merged, String configFile) {
        String of(String key) {
            ConfigValue value = valueAt(key);
            if (value == null) {
                return configFile;
            }
            ConfigOrigin origin = value.origin();
            if (origin.description().startsWith(SET_ORIGIN)) {
                return SET_ORIGIN;
            }
            if (origin.resource() != null || origin.filename() == null) {
                return configFile; // a default (reference.conf), or a value Lockstep derived
            }
            return origin.filename();
        }

        /** The value at {@code key}, null values included; null when there is none. */
        private ConfigValue valueAt(String key) {
            ConfigValue value = merged.root();
            for (String element : ConfigUtil.splitPath(key)) {
                if (!(value instanceof ConfigObject object) || !object.containsKey(element)) {
                    return null;
                }
                value = object.get(element);
            }
            return value;
        }
    }
}
