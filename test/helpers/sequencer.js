/**
 * The order jest starts the suites in, on a clone with no timing cache of jest's own: the suites that take
 * longest first (the 500-citizen concurrency suite about 3 minutes, the journeys and the browser test
 * about 2), so that three workers end together instead of one long suite starting last. With a timing
 * cache jest's own order (slowest first, failed first) is kept.
 */
'use strict';
const Sequencer = require('@jest/test-sequencer').default;

/** Rough minutes per suite of test/e2e (both topologies); unlisted suites count 0. */
const EXPECTED_MINUTES = {
	'concurrency.queue.test.ts': 3,
	'journey.e2e.test.ts': 2,
	'browser.e2e.test.ts': 2,
	'broadcast.e2e.test.ts': 1.5,
	'whatsapp.e2e.test.ts': 1.5,
	'install.e2e.test.ts': 1.2,
	'launcher.test.ts': 1,
	'lists.e2e.test.ts': 1,
	'officeHours.e2e.test.ts': 1,
};

class LongestFirst extends Sequencer {
	sort(tests) {
		const ordered = super.sort(tests);
		// super.sort sets each test's duration from jest's timing cache
		if (ordered.some((test) => test.duration != null)) return ordered;
		const minutes = (test) => EXPECTED_MINUTES[test.path.split('/').pop()] ?? 0;
		return [...ordered].sort((a, b) => minutes(b) - minutes(a));
	}
}

module.exports = LongestFirst;
