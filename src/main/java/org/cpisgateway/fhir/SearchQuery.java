package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.api.QualifiedParamList;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.QualifierDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.cpisgateway.core.NhsNumber;

/**
 * The query of one FHIR search, read with HAPI FHIR's own parameter types: each name split into the parameter and its
 * qualifiers by {@link QualifierDetails}, the patient's identifier read as a {@link TokenParam}, the dates as one
 * {@link DateRangeParam} of {@link DateParam}s with their {@link ParamPrefixEnum}, the page size as a
 * {@link NumberParam}. A parameter, or a qualifier of one, that the search does not offer is refused (400), so a
 * misspelt one (or a modifier such as {@code :missing}, {@code :not}, {@code :text}) never widens a search.
 *
 * <p>The child is named by NHS number on the reference parameter {@code patient}, in any of three spellings: the
 * R4 {@code :identifier} modifier (the national CP-IS FHIR API's {@code patient:identifier}), the chain
 * {@code patient.identifier}, and the typed chain {@code patient:Patient.identifier}. Each is a token
 * {@code system|value}; the system, when given, is the NHS number's.
 */
final class SearchQuery {

    static final String PATIENT = "patient";
    static final String DATE = "date";
    static final String FORMAT = "_format";
    static final String INCLUDE = "_include";
    /** The page size a caller asks for; its next page is the {@code next} link, which carries a {@link #CURSOR}. */
    static final String COUNT = "_count";
    /** Where a page starts: opaque, made by the gateway for the {@code next} link of the page before. */
    static final String CURSOR = "_cursor";
    /** The qualifiers of {@code patient} that name the child by identifier. */
    private static final Set<String> PATIENT_IDENTIFIER = Set.of(":identifier", ".identifier", ":Patient.identifier");

    private final FhirContext fhir;
    /** The parameters as given (the self link repeats them), in order. */
    private final Map<String, List<String>> given = new LinkedHashMap<>();
    /** The values of each offered parameter, by its name without qualifiers. */
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    /** How the caller spelt {@code patient} (e.g. {@code patient:identifier}), for what an error says. */
    private String patientAsGiven = PATIENT + ":identifier";

    private SearchQuery(FhirContext fhir) {
        this.fhir = fhir;
    }

    /**
     * @param query   the raw query string
     * @param offered the parameters the search offers, by name without qualifiers
     */
    static SearchQuery read(FhirContext fhir, String query, Set<String> offered) {
        SearchQuery q = new SearchQuery(fhir);
        new QueryStringDecoder(query == null ? "" : query, StandardCharsets.UTF_8, false).parameters()
                .forEach((name, vals) -> {
                    QualifierDetails details = QualifierDetails.extractQualifiersFromParameterName(name);
                    String base = details.getParamName();
                    String qualifier = details.getWholeQualifier();
                    boolean known = offered.contains(base) && (PATIENT.equals(base)
                            ? qualifier != null && PATIENT_IDENTIFIER.contains(qualifier) : qualifier == null);
                    if (!known) {
                        throw FhirProblem.badRequest("search parameter '" + name + "' is not offered here; offered: "
                                + offered(offered));
                    }
                    if (PATIENT.equals(base)) {
                        q.patientAsGiven = name;
                    }
                    q.given.computeIfAbsent(name, k -> new ArrayList<>()).addAll(vals);
                    q.values.computeIfAbsent(base, k -> new ArrayList<>()).addAll(vals);
                });
        return q;
    }

    private static String offered(Set<String> offered) {
        Set<String> names = new TreeSet<>();
        offered.forEach(n -> names.add(PATIENT.equals(n) ? PATIENT + ":identifier" : n));
        return String.join(", ", names);
    }

    /** The parameters as given, name (with its qualifiers) to values. */
    Map<String, List<String>> given() {
        return given;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The one value of a parameter; null when not given; 400 when given more than once. */
    String single(String name) {
        List<String> v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw FhirProblem.badRequest("give " + name + " once");
        }
        return v.get(0);
    }

    /** The NHS number of {@code patient:identifier} ({@code system|value} or the value alone), checked; null if absent. */
    String nhsNumber() {
        List<String> v = values.get(PATIENT);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw FhirProblem.badRequest("give " + patientAsGiven + " once");
        }
        QualifiedParamList alternatives = QualifiedParamList.splitQueryStringByCommasIgnoreEscape(null, v.get(0));
        if (alternatives.size() != 1) {
            throw FhirProblem.badRequest(patientAsGiven + ": give one NHS number");
        }
        TokenParam token = new TokenParam();
        token.setValueAsQueryToken(fhir, "identifier", null, alternatives.get(0));
        String system = token.getSystem();
        if (system != null && !system.isEmpty() && !system.equals(FhirResources.NHS_NUMBER_SYSTEM)) {
            throw FhirProblem.badRequest(patientAsGiven + " must be in the system " + FhirResources.NHS_NUMBER_SYSTEM);
        }
        String number = NhsNumber.normalise(token.getValue() == null ? "" : token.getValue());
        String problem = number == null ? "no NHS number given" : NhsNumber.problem(number);
        if (problem != null) {
            throw FhirProblem.badRequest("invalid NHS number in " + patientAsGiven + ": " + problem);
        }
        return number;
    }

    /** What to tell a caller who gave no child: the parameter and its form. */
    static String patientRequired() {
        return PATIENT + ":identifier=" + FhirResources.NHS_NUMBER_SYSTEM + "|<NHS number> is required (also "
                + "accepted as " + PATIENT + ".identifier)";
    }

    /**
     * {@code date=ge<day>&date=le<day>}: days, read as HAPI's {@link DateRangeParam} (which refuses two lower or two
     * upper bounds and a malformed date); both bounds are needed, inclusive ({@code ge}, {@code le}), of day
     * precision, at most 366 days apart. Null when no date is given.
     */
    LocalDate[] days() {
        List<String> dates = values.get(DATE);
        if (dates == null) {
            return null;
        }
        DateRangeParam range = new DateRangeParam();
        try {
            List<QualifiedParamList> lists = dates.stream()
                    .map(d -> QualifiedParamList.splitQueryStringByCommasIgnoreEscape(null, d)).toList();
            range.setValuesAsQueryTokens(fhir, DATE, lists);
        } catch (RuntimeException e) {
            throw FhirProblem.badRequest("date must be ge<YYYY-MM-DD> and le<YYYY-MM-DD>");
        }
        LocalDate from = day(range.getLowerBound(), ParamPrefixEnum.GREATERTHAN_OR_EQUALS);
        LocalDate to = day(range.getUpperBound(), ParamPrefixEnum.LESSTHAN_OR_EQUALS);
        if (range.getValuesAsQueryTokens().size() != 2 || from == null || to == null) {
            throw FhirProblem.badRequest("date must be ge<YYYY-MM-DD> and le<YYYY-MM-DD>");
        }
        if (to.isBefore(from) || to.isAfter(from.plusDays(366))) {
            throw FhirProblem.badRequest("the le date must be on or after the ge date, and at most 366 days after it");
        }
        return new LocalDate[] {from, to};
    }

    private static LocalDate day(DateParam bound, ParamPrefixEnum prefix) {
        if (bound == null || bound.getPrefix() != prefix || bound.getPrecision() != TemporalPrecisionEnum.DAY) {
            return null;
        }
        return LocalDate.parse(bound.getValueAsString());
    }

    /** The page size: {@code _count} (a whole number from 1, no prefix), at most {@code max}; else {@code dflt}. */
    int count(int dflt, int max) {
        String given = single(COUNT);
        if (given == null) {
            return dflt;
        }
        int count;
        try {
            NumberParam number = new NumberParam(given);
            if (number.getPrefix() != null) {
                throw new IllegalArgumentException("a prefix");
            }
            count = number.getValue().intValueExact();
        } catch (RuntimeException e) {
            throw FhirProblem.badRequest(COUNT + " must be a whole number from 1 to " + max);
        }
        if (count < 1) {
            throw FhirProblem.badRequest(COUNT + " must be a whole number from 1 to " + max);
        }
        return Math.min(count, max); // a server may return fewer than asked (FHIR search, paging)
    }
}
