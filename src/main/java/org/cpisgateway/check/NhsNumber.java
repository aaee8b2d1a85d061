package org.cpisgateway.check;

/** NHS number rules: ten digits, modulus-11 check digit. Spaces on the wire are tolerated and removed. */
public final class NhsNumber {

    private NhsNumber() {
    }

    /** The number with whitespace removed, or null when nothing is left. */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        String compact = raw.replaceAll("\\s+", "");
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
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (number.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - sum % 11;
        if (check == 11) {
            check = 0;
        }
        if (check == 10 || check != number.charAt(9) - '0') {
            return "NHS number fails the modulus-11 check";
        }
        return null;
    }

    public static boolean isValid(String number) {
        return problem(number) == null;
    }
}
