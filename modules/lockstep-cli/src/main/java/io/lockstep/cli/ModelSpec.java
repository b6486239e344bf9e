package io.lockstep.cli;

/**
 * What {@code lockstep.model} names: a network of the zoo, or a DL4J network configuration in a JSON file.
 *
 * @param zoo  the zoo network, or null
 * @param file the path (any Hadoop file system) of the JSON file, ending in {@value #JSON_SUFFIX}, or null
 */
record ModelSpec(ModelName zoo, String file) {
    static final String JSON_SUFFIX = ".json";

    ModelSpec {
        if ((zoo == null) == (file == null)) {
            throw new IllegalArgumentException("a model is either from the zoo or a file, got " + zoo + " and " + file);
        }
    }

    static ModelSpec zoo(ModelName name) {
        return new ModelSpec(name, null);
    }

    static ModelSpec file(String path) {
        return new ModelSpec(null, path);
    }

    /** As {@code lockstep.model} spells it. */
    String spelling() {
        return zoo != null ? zoo.spelling() : file;
    }
}
