package org.cpisgateway.core;

/** NHS number rules: ten digits, modulus-11 check digit. Spaces on the wire are tolerated and removed. */
public final class NhsNumber {

    private NhsNumber() {
    }

    /** The number with whitespace removed, or null when nothing is left. */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        String compact = raw.chars().anyMatch(Character::isWhitespace) ? raw.replaceAll("\\s+", "") : raw;
        return compact.isEmpty() ? null : compact;
    }

    /** Why a normalised number is not a valid NHS number, or null when it is valid. Never echoes the number. */
    public static String problem(String number) {
        if (number == null) {
            return "no NHS number in the message";
        }
        if (number.length() != 10 || !number.chars().allMatch(Character::isDigit)) {
            return "NHS number is not ten digits";
        }
        int check = checkDigit(number);
        if (check == 10 || check != number.charAt(9) - '0') {
            return "NHS number fails the modulus-11 check";
        }
        return null;
    }

    /** The modulus-11 check digit for the first nine digits; 10 means no valid number starts with them. */
    public static int checkDigit(String digits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (digits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - sum % 11;
        return check == 11 ? 0 : check;
    }

    public static boolean isValid(String number) {
        return problem(number) == null;
    }
}
