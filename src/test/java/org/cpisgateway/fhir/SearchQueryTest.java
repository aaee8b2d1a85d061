package org.cpisgateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import org.junit.jupiter.api.Test;

/**
 * How a search's query is read (HAPI's parameter types) and how the national API's headers are: the spellings of the
 * patient's identifier that are offered, the qualifiers and modifiers that are not, the date range, and the
 * {@code IsUnscheduledAccessEvent} and {@code TraceID} values.
 */
class SearchQueryTest {

    static final FhirContext R4 = FhirContext.forR4Cached();
    static final Set<String> AUDIT = Set.of(SearchQuery.PATIENT, SearchQuery.DATE, SearchQuery.FORMAT,
            SearchQuery.COUNT, SearchQuery.CURSOR);
    static final String CHILD = "9990000018";

    static SearchQuery read(String query) {
        return SearchQuery.read(R4, query, AUDIT);
    }

    static FhirProblem refused(Runnable read) {
        FhirProblem problem = catchThrowableOfType(FhirProblem.class, read::run);
        assertThat(problem).as("refused").isNotNull();
        return problem;
    }

    @Test
    void thePatientIsNamedByItsIdentifierInThreeSpellings() {
        for (String name : List.of("patient:identifier", "patient.identifier", "patient:Patient.identifier")) {
            assertThat(read(name + "=https://fhir.nhs.uk/Id/nhs-number%7C" + CHILD).nhsNumber()).as(name)
                    .isEqualTo(CHILD);
        }
        assertThat(read("patient:identifier=" + CHILD).nhsNumber()).as("the number alone").isEqualTo(CHILD);
        assertThat(read("patient:identifier=%7C" + CHILD).nhsNumber()).as("no system").isEqualTo(CHILD);
        assertThat(read("_format=json").nhsNumber()).isNull();
        assertThat(read("patient:identifier=" + CHILD).given()).containsOnlyKeys("patient:identifier");
    }

    @Test
    void otherQualifiersModifiersSystemsAndNumbersAreRefused() {
        for (String query : List.of("patient:missing=true", "patient.identifier:not=" + CHILD,
                "patient:Group.identifier=" + CHILD, "patient=Patient/1", "patient.name=x", "date:missing=true",
                "_count:x=1", "identifier=" + CHILD)) {
            FhirProblem problem = refused(() -> read(query));
            assertThat(problem.status()).as(query).isEqualTo(400);
            assertThat(problem.detail()).isEqualTo(FhirProblem.INVALID_SEARCH_DATA);
            assertThat(problem.getMessage()).contains("is not offered");
        }
        assertThat(refused(() -> read("patient:identifier=urn:other%7C" + CHILD).nhsNumber()).getMessage())
                .contains("system");
        FhirProblem badNumber = refused(() -> read("patient:identifier=9990000019").nhsNumber());
        assertThat(badNumber.detail()).isEqualTo(FhirProblem.INVALID_SEARCH_DATA);
        assertThat(badNumber.getMessage()).contains("patient:identifier").doesNotContain("9990000019");
        assertThat(refused(() -> read("patient:identifier=" + CHILD + ",9990000026").nhsNumber()).getMessage())
                .contains("one NHS number");
        assertThat(refused(() -> read("patient:identifier=" + CHILD + "&patient.identifier=" + CHILD).nhsNumber())
                .getMessage()).contains("once");
    }

    @Test
    void datesAreOneInclusiveRangeOfDays() {
        LocalDate[] days = read("date=ge2026-11-01&date=le2026-11-30").days();
        assertThat(days).containsExactly(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"));
        assertThat(read("_format=json").days()).isNull();
        for (String query : List.of("date=2026-11-01", "date=gt2026-11-01&date=le2026-11-30",
                "date=ge2026-11-01&date=ge2026-11-03", "date=ge2026-11-01T10:00:00Z&date=le2026-11-30",
                "date=ge2026-11-30&date=le2026-11-01", "date=ge2026-01-01&date=le2027-12-31", "date=ge2026-13-01",
                "date=ge2026-11-01")) {
            assertThat(refused(() -> read(query).days()).status()).as(query).isEqualTo(400);
        }
    }

    @Test
    void theCountIsAWholeNumberFromOneAtMostTheLargestPage() {
        assertThat(read("").count(50, 200)).isEqualTo(50);
        assertThat(read("_count=7").count(50, 200)).isEqualTo(7);
        assertThat(read("_count=1000").count(50, 200)).isEqualTo(200);
        for (String query : List.of("_count=0", "_count=none", "_count=gt5", "_count=1.5", "_count=1&_count=2")) {
            assertThat(refused(() -> read(query).count(50, 200)).status()).as(query).isEqualTo(400);
        }
    }

    @Test
    void isUnscheduledAccessEventIsTrueFalseOrAbsent() {
        assertThat(AccessHeaders.unscheduled(null)).isNull();
        assertThat(AccessHeaders.unscheduled("true")).isTrue();
        assertThat(AccessHeaders.unscheduled("False")).isFalse();
        assertThat(AccessHeaders.unscheduled(List.of("false"))).isFalse();
        for (Object value : List.of("maybe", "", "1", "yes", List.of("true", "false"))) {
            FhirProblem problem = refused(() -> AccessHeaders.unscheduled(value));
            assertThat(problem.status()).as("%s", value).isEqualTo(400);
            assertThat(problem.detail()).isEqualTo(FhirProblem.PRECONDITION_FAILED);
        }
    }

    @Test
    void aTraceIdIsLoggedAsAUuidOrOnlyAsItsHash() {
        assertThat(AccessHeaders.trace(null)).isNull();
        assertThat(AccessHeaders.trace("")).isNull();
        assertThat(AccessHeaders.trace("B2ACFB2C-C40E-4F9A-8916-950A2E86FC4E"))
                .isEqualTo("b2acfb2c-c40e-4f9a-8916-950a2e86fc4e");
        String free = "case " + CHILD + "\nINFO forged line";
        assertThat(AccessHeaders.trace(free)).matches("sha256:[0-9a-f]{16}").doesNotContain(CHILD)
                .isEqualTo(AccessHeaders.trace(free));
        assertThat(AccessHeaders.trace("1-2-3-4-5")).as("UUID.fromString accepts it; it is no UUID")
                .startsWith("sha256:");
        assertThatThrownBy(() -> SearchQuery.read(R4, "patient:identifier=x", Set.of(SearchQuery.FORMAT)))
                .isInstanceOf(FhirProblem.class);
    }
}
