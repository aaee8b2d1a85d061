package org.cpisgateway.app;

/** What this build is: the version from the jar's manifest (the Maven project version). */
public final class BuildInfo {

    private BuildInfo() {
    }

    /** The project version, or "(development build)" when run from classes rather than the released jar. */
    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
