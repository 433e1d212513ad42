package org.permcheck.engine.vectors;

/** File and directory names of the vector format (docs/vectors.md section 2). */
public final class VectorFiles {
    private VectorFiles() {}

    public static final String FORMAT = "permcheck-vectors";
    public static final String CASE_FORMAT = "permcheck-vector";
    /** Bumped when a reader of the previous version could misread a vector (docs/vectors.md section 1). */
    public static final int FORMAT_VERSION = 1;

    public static final String INDEX = "index.json";
    /** The set's pin, "{count} {sha256}" (VectorSet.pin), written with the index. */
    public static final String PIN = "PIN";
    public static final String FEATURES = "features.txt";
    public static final String RECIPES = "recipes.json";
    public static final String MANIFEST = "case.json";

    static String input(String port) { return "in_" + port + ".npy"; }

    static String expected(String port) { return "exp_" + port + ".npy"; }

    static String specified(String port) { return "spec_" + port + ".npy"; }

    static String reference(String key) { return "ref_" + key + ".npy"; }
}
