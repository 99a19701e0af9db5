package com.emogg;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The packages follow the stations of a stop, and imports point down only:
 * {@code app} -> {@code session} | {@code worker} -> {@code outbox} -> {@code platform} -> {@code contract}.
 * The README's "Where things live" walks the same picture.
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("com.emogg");
    }

    @Test
    void theRulesSeeTheWholeApplicationAndNoTests() {
        for (String name : new String[] {"com.emogg.contract.WorkerState", "com.emogg.platform.runtime.Role", "com.emogg.outbox.RelayLoop",
                "com.emogg.session.SessionService", "com.emogg.worker.SessionWorker", "com.emogg.app.Roles"}) {
            assertTrue(production.contain(name), name);
        }
        assertFalse(production.contain("com.emogg.ArchitectureTest"));
    }

    @Test
    void theContractDependsOnNothingOfTheApplication() {
        classes().that().resideInAPackage("com.emogg.contract..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("com.emogg.contract..", "java..", "com.fasterxml.jackson.annotation..")
                .check(production);
    }

    @Test
    void thePlatformKnowsNoFeature() {
        noClasses().that().resideInAPackage("com.emogg.platform..")
                .should().dependOnClassesThat().resideInAnyPackage("com.emogg.session..", "com.emogg.outbox..", "com.emogg.worker..",
                        "com.emogg.app..", "com.emogg.local..")
                .check(production);
    }

    @Test
    void theWorkerKnowsOnlyTheContractAndThePlatformsRuntime() {
        noClasses().that().resideInAPackage("com.emogg.worker..")
                .should().dependOnClassesThat().resideInAnyPackage("com.emogg.session..", "com.emogg.outbox..", "com.emogg.app..",
                        "com.emogg.platform.http..", "com.emogg.platform.auth..", "com.emogg.platform.database..",
                        "com.emogg.platform.idempotency..", "com.emogg.platform.ratelimit..", "io.vertx.mutiny.sqlclient..",
                        "io.vertx.sqlclient..", "jakarta.ws.rs..")
                .check(production);
    }

    @Test
    void theOutboxKnowsNoSessionNorWorker() {
        noClasses().that().resideInAPackage("com.emogg.outbox..")
                .should().dependOnClassesThat().resideInAnyPackage("com.emogg.session..", "com.emogg.worker..", "com.emogg.app..")
                .check(production);
    }

    @Test
    void theSessionFeatureKnowsNoWorker() {
        noClasses().that().resideInAPackage("com.emogg.session..")
                .should().dependOnClassesThat().resideInAnyPackage("com.emogg.worker..", "com.emogg.app..")
                .check(production);
    }

    @Test
    void theSessionsCoreKnowsNoneOfItsEdges() {
        noClasses().that().resideInAPackage("com.emogg.session")
                .should().dependOnClassesThat().resideInAnyPackage("com.emogg.session.api..", "com.emogg.session.realtime..",
                        "com.emogg.session.reports..", "com.emogg.session.deadlines..")
                .check(production);
    }

    @Test
    void productionCodeNeverReachesIntoTheLocalRun() {
        noClasses().that().resideOutsideOfPackage("com.emogg.local..")
                .should().dependOnClassesThat().resideInAPackage("com.emogg.local..")
                .check(production);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching("com.emogg.(**)").should().beFreeOfCycles().check(production);
    }
}
