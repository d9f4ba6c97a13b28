/**
 * No file of the repository keeps a merge's conflict markers (a README once did, committed by hand).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '../..');
const MARKER = /^(<{7}|>{7}) \S/m;
const TEXT = /\.(ts|js|mjs|json|md|yml|yaml|txt|svg|html)$|^\.ci\/run$/;

test('no tracked text file holds a conflict marker', () => {
	const files = execFileSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' })
		.split('\n')
		.filter((file) => TEXT.test(file));
	expect(files.length).toBeGreaterThan(50);
	const marked = files.filter((file) => MARKER.test(readFileSync(join(repo, file), 'utf8')));
	expect(marked).toEqual([]);
});

test('the check finds a marker', () => {
	expect(MARKER.test('text\n<<<<<<< ours\nmore')).toBe(true);
	expect(MARKER.test('text\n>>>>>>> theirs\n')).toBe(true);
	expect(MARKER.test('a <<<<<<< b')).toBe(false);
});
