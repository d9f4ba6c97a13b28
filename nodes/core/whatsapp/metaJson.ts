/**
 * JSON the way Meta's servers write webhook bodies (PHP's json_encode with default flags): every
 * non-ASCII UTF-16 code unit as a lowercase \uXXXX escape (so an emoji becomes two escapes) and "/" as
 * "\/". Signatures are computed over exactly these bytes, so simulators and tests need them verbatim.
 */

const NON_ASCII = /[\u0080-\uffff]/g;

function escapeCodeUnit(character: string): string {
	return '\\u' + character.charCodeAt(0).toString(16).padStart(4, '0');
}

/** Serialises like Meta: `JSON.stringify`, then non-ASCII as `\uXXXX` (lowercase hex) and `/` as `\/`. */
export function toMetaJson(value: unknown): string {
	const json = JSON.stringify(value) as string | undefined;
	if (json === undefined) {
		throw new TypeError(`toMetaJson: a value of type ${typeof value} has no JSON form`);
	}
	// Outside strings JSON has neither "/" nor non-ASCII characters, so both replacements only
	// touch string contents. Lone surrogates come out of JSON.stringify already escaped (lowercase too).
	return json.replace(NON_ASCII, escapeCodeUnit).replace(/\//g, '\\/');
}
