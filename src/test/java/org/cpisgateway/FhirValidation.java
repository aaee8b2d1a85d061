package org.cpisgateway;

import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/** HAPI's FHIR R4 instance validator, with the base profiles and no terminology server: what a resource gets wrong. */
public final class FhirValidation {

    public static final FhirContext R4 = FhirContext.forR4Cached();
    private static FhirValidator validator;

    private FhirValidation() {
    }

    private static synchronized FhirValidator validator() {
        if (validator == null) {
            ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(R4),
                    new InMemoryTerminologyServerValidationSupport(R4), new CommonCodeSystemsTerminologyService(R4));
            validator = R4.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }

    /** The errors (and worse) the validator finds in a resource given as JSON or XML text; empty when it is valid. */
    public static List<String> errors(String resource) {
        return validator().validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(FhirValidation::describe)
                .toList();
    }

    private static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }
}
