package org.cpisgateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The house the code lives in (docs/design.md draws it), checked on every build. Every package of
 * {@code org.cpisgateway} stands on one floor of {@link #FLOORS}, and may use only the floors below it: no import
 * runs upward, so there are no cycles between packages, and none between files ({@link #noFileCycles}). The CP-IS
 * rules in {@code core} stand on the ground, free of any framework.
 */
@AnalyzeClasses(packages = "org.cpisgateway", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    /**
     * The floors, from the top down: what a floor may use stands below it. A new package must be given a floor here
     * ({@link #everyPackageHasAFloor}).
     */
    static final List<String> FLOORS = List.of(
            "cli",         // bin/cpis-gateway: one class per subcommand
            "app",         // start-up: settings, one wiring per area, the Camel configuration
            "safety",      // the hazard log and its report with the tests' latest results
            "mllp",        // the MLLP listeners and their TLS
            "fhir",        // the FHIR API and FHIR notifications
            "delivery",    // notifications to authorities' queues, webhooks, folders, SFTP, mail
            "upload",      // plan uploads from authorities
            "ops",         // operations views, readiness, metrics, authority read-back
            "inbound",     // the attendance flow: HL7 in, flag check, ACK out
            "pasalert",    // alerts back to a PAS
            "broker",      // the embedded Artemis broker and its security
            "reload",      // live edits of routes and mappings
            "store",       // the flag store, journal, outbox and logs
            "notify",      // the notification a council receives
            "ack",         // the HL7 ACK
            "hl7",         // reading HL7 v2
            "mapping",     // the tables integrators edit
            "http",        // HTTP logins, throttling, roles
            "config",      // typed settings
            "supervision", // the workers' registry
            "logging",     // patient data masking in logs
            "core");       // the CP-IS rules: no framework

    @ArchTest
    static final ArchRule coreImportsNoFramework = classes().that().resideInAPackage("org.cpisgateway.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("org.cpisgateway.core..", "java.lang..",
                    "java.util..", "java.time..")
            .because("the CP-IS rules must run and be tested without Camel, HAPI, a database or a broker");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.cpisgateway.(*)..").should().beFreeOfCycles();

    /** No two files (top-level classes with their nested ones) use each other, directly or round a loop. */
    @ArchTest
    static final ArchRule noFileCycles = slices().assignedFrom(new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            if (!javaClass.getPackageName().startsWith("org.cpisgateway")) {
                return SliceIdentifier.ignore();
            }
            JavaClass top = javaClass;
            while (top.getEnclosingClass().isPresent()) {
                top = top.getEnclosingClass().get();
            }
            return SliceIdentifier.of(top.getName());
        }

        @Override
        public String getDescription() {
            return "files of org.cpisgateway";
        }
    }).should().beFreeOfCycles();

    @ArchTest
    static final ArchRule floors = floorRule();

    private static ArchRule floorRule() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String floor : FLOORS) {
            layers = layers.layer(floor).definedBy("org.cpisgateway." + floor + "..");
        }
        for (int i = 0; i < FLOORS.size(); i++) {
            String[] above = FLOORS.subList(0, i).toArray(String[]::new);
            layers = i == 0 ? layers.whereLayer(FLOORS.get(0)).mayNotBeAccessedByAnyLayer()
                    : layers.whereLayer(FLOORS.get(i)).mayOnlyBeAccessedByLayers(above);
        }
        return layers.because("a package uses only the floors below it, so no import runs upward");
    }

    /** Camel stays in the adapters that talk to it: the rules, the mapping tables and the HL7 model never see it. */
    @ArchTest
    static final ArchRule camelStaysAtTheEdges = classes().that().resideInAnyPackage("org.cpisgateway.core..",
                    "org.cpisgateway.supervision..",
                    "org.cpisgateway.mapping..", "org.cpisgateway.ack..", "org.cpisgateway.notify..",
                    "org.cpisgateway.store..", "org.cpisgateway.config..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("org.apache.camel..");

    /** Nothing in the root package, and no package without a floor (it would escape the floor rule). */
    @Test
    void everyPackageHasAFloor() {
        JavaClasses ours = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.cpisgateway");
        Set<String> unplaced = new TreeSet<>();
        for (JavaClass c : ours) {
            String rest = c.getPackageName().equals("org.cpisgateway") ? ""
                    : c.getPackageName().substring("org.cpisgateway.".length());
            String top = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
            if (!FLOORS.contains(top)) {
                unplaced.add(c.getName());
            }
        }
        assertThat(new ArrayList<>(unplaced)).as("classes outside every floor").isEmpty();
    }
}
