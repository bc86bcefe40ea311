/** Small wording helpers the panels share. */

/** `3 frames`, `1 frame`. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The text with its first letter capitalised (messages from main start in lower case). */
export const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
