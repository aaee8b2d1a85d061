package org.cpisgateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The house the code lives in (docs/design.md draws it), checked on every build: the CP-IS rules in
 * {@code core} at the bottom, free of any framework; each adapter above it importing only what is below it; no
 * package cycles.
 */
@AnalyzeClasses(packages = "org.cpisgateway", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    /** The domain core needs nothing but the JDK: no Camel, HAPI, JDBC, Jackson, logging or anything of ours above. */
    @ArchTest
    static final ArchRule coreImportsNoFramework = classes().that().resideInAPackage("org.cpisgateway.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("org.cpisgateway.core..", "java.lang..",
                    "java.util..", "java.time..")
            .because("the CP-IS rules must run and be tested without Camel, HAPI, a database or a broker");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.cpisgateway.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("core").definedBy("org.cpisgateway.core..")
            .layer("supervision").definedBy("org.cpisgateway.supervision..")
            .layer("logging").definedBy("org.cpisgateway.logging..")
            .layer("config").definedBy("org.cpisgateway.config..")
            .layer("mapping").definedBy("org.cpisgateway.mapping..")
            .layer("hl7").definedBy("org.cpisgateway.hl7..")
            .layer("ack").definedBy("org.cpisgateway.ack..")
            .layer("notify").definedBy("org.cpisgateway.notify..")
            .layer("store").definedBy("org.cpisgateway.store..")
            .layer("inbound").definedBy("org.cpisgateway.inbound..")
            .layer("ops").definedBy("org.cpisgateway.ops..")
            .layer("delivery").definedBy("org.cpisgateway.delivery..")
            .layer("broker").definedBy("org.cpisgateway.broker..")
            .layer("reload").definedBy("org.cpisgateway.reload..")
            .layer("upload").definedBy("org.cpisgateway.upload..")
            .layer("tools").definedBy("org.cpisgateway.tools..")
            .layer("feed").definedBy("org.cpisgateway.feed..")
            .layer("fhir").definedBy("org.cpisgateway.fhir..")
            .layer("pasalert").definedBy("org.cpisgateway.pasalert..")
            .layer("app").definedBy("org.cpisgateway")
            .whereLayer("app").mayNotBeAccessedByAnyLayer()
            .whereLayer("logging").mayNotBeAccessedByAnyLayer()
            .whereLayer("tools").mayOnlyBeAccessedByLayers("app")
            .whereLayer("feed").mayOnlyBeAccessedByLayers("app")
            .whereLayer("fhir").mayOnlyBeAccessedByLayers("app")
            .whereLayer("pasalert").mayOnlyBeAccessedByLayers("inbound", "app")
            .whereLayer("upload").mayOnlyBeAccessedByLayers("app")
            .whereLayer("reload").mayOnlyBeAccessedByLayers("upload", "app")
            .whereLayer("broker").mayOnlyBeAccessedByLayers("upload", "app")
            .whereLayer("delivery").mayOnlyBeAccessedByLayers("app")
            .whereLayer("ops").mayOnlyBeAccessedByLayers("delivery", "fhir", "app")
            .whereLayer("inbound").mayOnlyBeAccessedByLayers("ops", "feed", "app")
            .whereLayer("store").mayOnlyBeAccessedByLayers("inbound", "ops", "delivery", "upload", "fhir", "pasalert", "app")
            .whereLayer("notify").mayOnlyBeAccessedByLayers("store", "inbound", "delivery", "fhir", "app")
            .whereLayer("ack").mayOnlyBeAccessedByLayers("inbound", "feed", "app")
            .whereLayer("hl7").mayOnlyBeAccessedByLayers("ack", "notify", "store", "inbound", "ops", "feed", "fhir", "pasalert",
                    "app")
            .whereLayer("mapping").mayOnlyBeAccessedByLayers("hl7", "upload", "reload", "tools", "fhir", "pasalert", "app")
            .whereLayer("config").mayOnlyBeAccessedByLayers("app")
            .whereLayer("supervision").mayOnlyBeAccessedByLayers("store", "ops", "delivery", "upload", "reload",
                    "inbound", "app");

    /** Camel stays in the adapters that talk to it: the rules, the mapping tables and the HL7 model never see it. */
    @ArchTest
    static final ArchRule camelStaysAtTheEdges = classes().that().resideInAnyPackage("org.cpisgateway.core..",
                    "org.cpisgateway.supervision..",
                    "org.cpisgateway.mapping..", "org.cpisgateway.ack..", "org.cpisgateway.notify..",
                    "org.cpisgateway.store..", "org.cpisgateway.config..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("org.apache.camel..");
}
