package org.permcheck.spi;

/**
 * Makes a backend by name; found through {@link java.util.ServiceLoader}, so a backend module is
 * added to the command line by putting its jar on the class path (META-INF/services).
 */
public interface BackendProvider {

    /** The name used after {@code --backend} ("cpu", "cuda"). */
    String name();

    /** One line for {@code --help}. */
    String description();

    Backend create() throws Exception;
}
