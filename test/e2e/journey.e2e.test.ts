/**
 * The citizen's and the office's journeys through workflows/inbound.json on a real n8n: subscriptions,
 * a report with photo and position that reaches the Segnala portal and the URP's mailbox, questions
 * answered by an operator from the email's "Rispondi" button (inside and outside WhatsApp's 24-hour
 * window), the automatic reply when the office is closed (once per closed period), the portal down,
 * delivery statuses recorded by the trigger in the store, and the case of every question and report.
 *
 * The Cloud API simulator's clock is set per scenario (a Tuesday when the office is open, a Sunday
 * when it is closed): messages carry that time, Office Hours reads it, and the simulator measures the
 * 24-hour window with it. Every assertion waits on a simulator's record, never on a fixed sleep.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { CloudApiSimulator, OutboundMessage } from '../../dev/simulators/cloudApi/server';
import type { MailMessage } from '../../dev/simulators/mailbox/server';
import { openStore, type SubscriptionStore } from '../../nodes/core/store';
import {
	OPERATORS,
	URP_MAILBOX,
	startInboundStack,
	textOf,
	type InboundStack,
} from '../helpers/inboundN8n';
import { e2eSetup } from '../helpers/topology';

const setup = e2eSetup('journey', Number(process.env.WHATSURP_E2E_JOURNEY_PORT ?? 5685));
const HOUR = 60 * 60 * 1000;

let stack: InboundStack;

jest.setTimeout(90_000);

beforeAll(async () => {
	stack = await startInboundStack({ setup, clockStart: '2026-03-03T10:00:00+01:00' });
}, 15 * 60_000);

afterAll(async () => {
	await stack?.stop();
}, 60_000);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A JPEG-looking photo with random content. */
function photo(): Buffer {
	return Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
		randomBytes(4096),
		Buffer.from([0xff, 0xd9]),
	]);
}

/** A citizen writes at the clock's time; resolves with the message sent and the next reply. */
async function write(
	input: Parameters<CloudApiSimulator['citizenSends']>[0],
): Promise<{ messageId: string; reply: OutboundMessage }> {
	const to = input.from.waId!;
	const before = stack.simulator.outbound({ to }).length;
	const sent = await stack.simulator.citizenSends({ timestamp: stack.clock.seconds(), ...input });
	if (sent.status !== 200) stack.failWithLogs(`n8n answered ${sent.status} to a signed webhook`);
	return { messageId: sent.messageId, reply: await stack.nextReply(to, before) };
}

async function mail(
	predicate: (message: MailMessage) => boolean,
	what: string,
): Promise<MailMessage> {
	try {
		return await stack.mailbox.waitForMessage(predicate, 20_000);
	} catch (error) {
		return stack.failWithLogs(`No mail ${what} within 20 s: ${(error as Error).message}`);
	}
}

const to = (address: string) => (message: MailMessage) =>
	message.envelope.to.some((recipient) => recipient.toLowerCase() === address);

/** The operator opens the "Rispondi" link of the mail and sends the answer, as the form page does. */
async function answerFromMail(question: MailMessage, answer: string): Promise<void> {
	const link = stack.mailbox.links(question).find((href) => href.includes('/webhook-waiting/'));
	expect(link).toBeDefined();
	// the mail leaves a moment before n8n has saved the execution as waiting: until then n8n answers 409
	let form = await fetch(link!);
	for (let attempt = 0; form.status === 409 && attempt < 40; attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		form = await fetch(link!);
	}
	expect(form.status).toBe(200);
	expect(await form.text()).toContain('Risposta al cittadino');
	const body = new FormData();
	body.append('field-0', answer);
	const sent = await fetch(link!, { method: 'POST', body });
	expect(sent.status).toBe(200);
}

describe('Subscriptions', () => {
	const ANNA = { waId: '393401230001', name: 'Anna Galli' };
	let store: SubscriptionStore;

	beforeAll(async () => {
		store = await openStore(setup.store);
	});
	afterAll(async () => {
		await store?.close();
	});

	test('ISCRIZIONE ON → policy with "Accetto" → accepted → ISCRIZIONE OFF, each confirmed', async () => {
		stack.clock.set('2026-03-03T10:00:00+01:00');
		const policy = await write({
			from: ANNA,
			type: 'text',
			text: "ISCRIZIONE ON #PUBBLICAUTILITA'",
		});
		expect(policy.reply.body).toMatchObject({
			type: 'interactive',
			interactive: { action: { buttons: [{ reply: { id: 'accept_policy', title: 'Accetto' } }] } },
		});
		expect(textOf(policy.reply)).toContain('#PUBBLICAUTILITA');
		expect((await store.get({ waId: ANNA.waId }))?.subscriptions[0]).toMatchObject({
			list: 'PUBBLICAUTILITA',
			state: 'pending',
		});

		const accepted = await write({
			from: ANNA,
			type: 'interactive',
			reply: { id: 'accept_policy', title: 'Accetto', kind: 'button_reply' },
		});
		expect(textOf(accepted.reply)).toMatch(/^✅ Iscrizione attiva/);
		expect((await store.get({ waId: ANNA.waId }))?.subscriptions[0].state).toBe('active');

		const off = await write({ from: ANNA, type: 'text', text: 'ISCRIZIONE OFF' });
		expect(textOf(off.reply)).toMatch(/^Iscrizione cancellata/);
		expect((await store.get({ waId: ANNA.waId }))?.subscriptions[0].state).toBe('cancelled');
	});
});

describe('A report with photos and position, office open', () => {
	const CARLA = { waId: '393401112233', name: 'Carla Neri' };
	const caption = 'Buca profonda in via Flaminia davanti al civico 20, pericolosa per le bici';
	const pictures = [photo(), photo()];

	test('the photos alone: the citizen is asked for the position', async () => {
		stack.clock.set('2026-03-03T10:05:00+01:00');
		const first = await write({
			from: CARLA,
			type: 'image',
			media: { mimeType: 'image/jpeg', caption, content: pictures[0] },
		});
		expect(textOf(first.reply)).toContain('inviaci la posizione');
		stack.clock.advance(20_000);
		const second = await write({
			from: CARLA,
			type: 'image',
			media: { mimeType: 'image/jpeg', content: pictures[1] },
		});
		expect(textOf(second.reply)).toContain('inviaci la posizione');
		expect(stack.open311.requests()).toHaveLength(0);
	});

	test('the position completes it: portal request, mail with both photos, number to the citizen', async () => {
		stack.clock.advance(60_000);
		const { reply } = await write({
			from: CARLA,
			type: 'location',
			location: { latitude: 44.0575, longitude: 12.5846, name: 'Via Flaminia 20' },
		});
		const number = /con il numero (\S+?)\./.exec(textOf(reply))?.[1];
		expect(number).toBeDefined();

		expect(stack.open311.requests()).toHaveLength(1);
		const request = stack.open311.requests().find((r) => r.service_request_id === number);
		expect(request).toMatchObject({
			service_code: 'buche',
			lat: 44.0575,
			long: 12.5846,
			first_name: 'Carla',
			last_name: 'Neri',
			phone: '+393401112233',
		});
		expect(request?.description).toContain(caption);
		expect(request?.description).toContain('Via Flaminia 20');
		expect(request?.media_url).toBeUndefined();

		const message = await mail(
			(m) => to(URP_MAILBOX)(m) && m.subject.includes(`n. ${number}`),
			`about report ${number}`,
		);
		expect(
			message.attachments.map(({ contentType, sha256, inline }) => ({
				contentType,
				sha256,
				inline,
			})),
		).toEqual(
			pictures.map((picture) => ({
				contentType: 'image/jpeg',
				sha256: sha256(picture),
				inline: false,
			})),
		);
		expect(message.text).toContain(caption);
		expect(message.text).toContain('+393401112233');
		expect(message.text).toContain('44.0575, 12.5846');
	});

	test('once filed, the next photo starts a new report instead of filing the old one again', async () => {
		stack.clock.advance(10 * 60_000);
		const { reply } = await write({
			from: CARLA,
			type: 'image',
			media: { mimeType: 'image/jpeg', caption: 'Altra buca poco più avanti', content: photo() },
		});
		expect(textOf(reply)).toContain('inviaci la posizione');
		expect(stack.open311.requests()).toHaveLength(1);
	});
});

describe('A question answered by an operator from the email', () => {
	test('inside the 24-hour window the answer arrives as text, quoting the question', async () => {
		const GIANNI = { waId: '393475554455', name: 'Gianni Verdi' };
		stack.clock.set('2026-03-03T11:00:00+01:00');
		const question = "Buongiorno, quali documenti servono per rinnovare la carta d'identità?";
		const { messageId, reply } = await write({ from: GIANNI, type: 'text', text: question });
		expect(textOf(reply)).toContain('inoltrato agli operatori');

		const sent = await mail(
			(m) => to(OPERATORS)(m) && m.subject.includes('Gianni Verdi'),
			'to the operators about Gianni',
		);
		expect(sent.html).toContain("carta d'identità");
		expect(sent.html).toContain('39******4455');
		expect(sent.html).not.toContain(GIANNI.waId);
		expect(sent.html).not.toContain('n8n.io');

		const before = stack.simulator.outbound({ to: GIANNI.waId }).length;
		const answer = "Servono una foto tessera e la carta scaduta; prenoti sull'agenda online.";
		await answerFromMail(sent, answer);
		const delivered = await stack.nextReply(GIANNI.waId, before);
		expect(delivered.body).toMatchObject({
			type: 'text',
			text: { body: answer },
			context: { message_id: messageId },
		});
	});

	test("a citizen's markup reaches the operators as text, never as HTML", async () => {
		const MARCO = { waId: '393476667788', name: 'Marco <b>Bold</b>' };
		stack.clock.set('2026-03-03T11:30:00+01:00');
		const question = 'Il sito mostra <script>alert(1)</script> & non carica il modulo R&D';
		const { reply } = await write({ from: MARCO, type: 'text', text: question });
		expect(textOf(reply)).toContain('inoltrato agli operatori');
		const sent = await mail(
			(m) => to(OPERATORS)(m) && m.subject.includes('Marco'),
			'to the operators about Marco',
		);
		expect(sent.html).not.toContain('<script>');
		expect(sent.html).not.toContain('<b>Bold</b>');
		expect(sent.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(sent.html).toContain('R&amp;D');
		// answered, so that no execution is left waiting
		const before = stack.simulator.outbound({ to: MARCO.waId }).length;
		await answerFromMail(sent, 'Grazie, lo segnaliamo a chi cura il sito.');
		expect(textOf(await stack.nextReply(MARCO.waId, before))).toBe(
			'Grazie, lo segnaliamo a chi cura il sito.',
		);
	});

	test('after 24 hours the answer goes out as the approved template', async () => {
		const ELENA = { waId: '393478889900', name: 'Elena Bruni' };
		stack.clock.set('2026-03-03T12:00:00+01:00');
		const { reply } = await write({
			from: ELENA,
			type: 'text',
			text: 'Il mercato del sabato si fa anche a Pasqua?',
		});
		expect(textOf(reply)).toContain('inoltrato agli operatori');
		const sent = await mail(
			(m) => to(OPERATORS)(m) && m.subject.includes('Elena Bruni'),
			'to the operators about Elena',
		);

		stack.clock.advance(25 * HOUR);
		const before = stack.simulator.outbound({ to: ELENA.waId }).length;
		const answer = 'Sì, il mercato si tiene regolarmente\nanche il sabato di Pasqua.';
		await answerFromMail(sent, answer);
		const delivered = await stack.nextReply(ELENA.waId, before);
		expect(delivered.type).toBe('template');
		expect(delivered.body).toMatchObject({
			template: {
				name: 'risposta_urp',
				language: { code: 'it' },
				components: [
					{
						type: 'body',
						parameters: [
							{
								type: 'text',
								text: 'Sì, il mercato si tiene regolarmente anche il sabato di Pasqua.',
							},
						],
					},
				],
			},
		});
	});
	test('two questions in one webhook: each gets its own email, and each answer reaches its citizen', async () => {
		const RITA = { waId: '393470000101', name: 'Rita Conti' };
		const SARA = { waId: '393470000202', name: 'Sara Moretti' };
		stack.clock.set('2026-03-03T16:00:00+01:00');
		const timestamp = stack.clock.seconds();
		const sent = await stack.simulator.citizenSendsMany(
			[
				{ from: RITA, type: 'text', text: 'A che ora chiude la biblioteca?', timestamp },
				{ from: SARA, type: 'text', text: 'Dove si ritira il passaporto?', timestamp },
			],
			{ perPost: 2 },
		);
		expect(sent.map((result) => result.status)).toEqual([200, 200]);
		expect(sent[0].delivery.index).toBe(sent[1].delivery.index);
		for (const [citizen, answer] of [
			[RITA, 'La biblioteca chiude alle 19.'],
			[SARA, "All'ufficio passaporti della Questura, su appuntamento."],
		] as const) {
			const question = await mail(
				(m) => to(OPERATORS)(m) && m.subject.includes(citizen.name),
				`to the operators about ${citizen.name}`,
			);
			const before = stack.simulator.outbound({ to: citizen.waId }).length;
			await answerFromMail(question, answer);
			expect(textOf(await stack.nextReply(citizen.waId, before))).toBe(answer);
		}
	});
});

describe('Office closed', () => {
	const LUCA = { waId: '393479990011', name: 'Luca Fabbri' };

	test('a message on Sunday gets the hours and Monday 9:00, and reaches the mailbox', async () => {
		stack.clock.set('2026-03-01T10:00:00+01:00');
		const text = 'Buongiorno, posso pagare la TARI allo sportello?';
		const { reply } = await write({ from: LUCA, type: 'text', text });
		expect(textOf(reply)).toContain("l'URP del Comune di Rimini è chiuso");
		expect(textOf(reply)).toMatch(/lunedì 2 marzo, alle 9:00/);
		expect(textOf(reply)).toContain('martedì e giovedì 9:00–17:00');
		const message = await mail(
			(m) =>
				to(URP_MAILBOX)(m) && m.subject.startsWith('Fuori orario') && (m.text ?? '').includes(text),
			'about the first closed-hours message',
		);
		expect(message.text).toContain('+393479990011');
	});

	test('a second message in the same closed period: no second reply, but the mailbox gets it (with the photo)', async () => {
		stack.clock.set('2026-03-01T10:30:00+01:00');
		const picture = photo();
		const before = stack.simulator.outbound({ to: LUCA.waId }).length;
		const sent = await stack.simulator.citizenSends({
			from: LUCA,
			type: 'image',
			media: { mimeType: 'image/jpeg', caption: 'Ecco la bolletta', content: picture },
			timestamp: stack.clock.seconds(),
		});
		expect(sent.status).toBe(200);
		const message = await mail(
			(m) => to(URP_MAILBOX)(m) && (m.text ?? '').includes('Ecco la bolletta'),
			'about the second closed-hours message',
		);
		expect(message.attachments.map((attachment) => attachment.sha256)).toEqual([sha256(picture)]);
		await stack.settledExecutions();
		expect(stack.simulator.outbound({ to: LUCA.waId })).toHaveLength(before);
	});

	test(
		'after a restart of n8n, a third message in the same closed period still gets no reply',
		async () => {
			await stack.restartN8n();
			stack.clock.set('2026-03-01T11:00:00+01:00');
			const before = stack.simulator.outbound({ to: LUCA.waId }).length;
			const sent = await stack.simulator.citizenSends({
				from: LUCA,
				type: 'text',
				text: 'Siete ancora chiusi?',
				timestamp: stack.clock.seconds(),
			});
			expect(sent.status).toBe(200);
			await mail(
				(m) => to(URP_MAILBOX)(m) && (m.text ?? '').includes('Siete ancora chiusi?'),
				'about the message after the restart',
			);
			await stack.settledExecutions();
			expect(stack.simulator.outbound({ to: LUCA.waId })).toHaveLength(before);
		},
		10 * 60_000,
	);

	test('the next closed period (Monday after 13:00) gets its own automatic reply', async () => {
		stack.clock.set('2026-03-02T14:00:00+01:00');
		const { reply } = await write({ from: LUCA, type: 'text', text: 'Ci sono novità?' });
		expect(textOf(reply)).toMatch(/domani, martedì 3 marzo, alle 9:00/);
		await mail(
			(m) => to(URP_MAILBOX)(m) && (m.text ?? '').includes('Ci sono novità?'),
			'about the Monday afternoon message',
		);
	});
});

describe('The portal is down', () => {
	const PIERO = { waId: '393402223344', name: 'Piero' };

	afterAll(() => stack.open311.setDown(false));

	test('the report still reaches the URP, which is told to register it; the citizen is told so', async () => {
		stack.open311.setDown(503);
		stack.clock.set('2026-03-03T15:00:00+01:00');
		const description = 'Il lampione davanti al civico 5 di via Roma è spento da tre giorni';
		const first = await write({ from: PIERO, type: 'text', text: description });
		expect(textOf(first.reply)).toContain('inviaci la posizione');

		stack.clock.advance(2 * 60_000);
		const { reply } = await write({
			from: PIERO,
			type: 'location',
			location: { latitude: 44.0612, longitude: 12.5669 },
		});
		expect(textOf(reply)).toContain('non risponde');
		expect(textOf(reply)).toContain("la registrerà al più presto il personale dell'URP");

		const message = await mail(
			(m) => to(URP_MAILBOX)(m) && m.subject.startsWith('DA REGISTRARE'),
			'saying the portal failed',
		);
		expect(message.text).toContain('NON è stata registrata');
		expect(message.text).toContain('Errore del portale:');
		expect(message.text).toContain(description);
		expect(message.text).toContain('illuminazione');
		expect(stack.open311.requests().some((r) => r.phone === '+393402223344')).toBe(false);
	});
});

describe('Delivery statuses, cases and executions', () => {
	let store: SubscriptionStore;
	beforeAll(async () => {
		store = await openStore(setup.store);
	});
	afterAll(async () => await store?.close());

	test('statuses of the replies are recorded in the store by the trigger, and start no execution', async () => {
		const statusDeliveries = () =>
			stack.simulator.webhookDeliveries.filter((delivery) => delivery.kind === 'status');
		// the statuses of the last reply may still be on their way
		for (
			let attempt = 0;
			attempt < 80 && statusDeliveries().some((delivery) => delivery.status === null);
			attempt++
		)
			await new Promise((resolve) => setTimeout(resolve, 250));
		const statuses = statusDeliveries();
		expect(statuses.length).toBeGreaterThan(0);
		expect(
			statuses
				.filter((delivery) => delivery.status !== 200)
				.map(({ status, response, error, body }) => ({ status, response, error, body })),
		).toEqual([]);

		// every status the simulator delivered is counted once in the store's tally
		const tally = await store.statusTally();
		const counted = tally.reduce(
			(sum, day) => sum + day.sent + day.delivered + day.read + day.failed + day.other,
			0,
		);
		const delivered = statuses.reduce(
			(sum, delivery) =>
				sum +
				JSON.parse(delivery.body).entry.flatMap(
					(entry: { changes: Array<{ value: { statuses?: unknown[] } }> }) =>
						entry.changes.flatMap((change) => change.value.statuses ?? []),
				).length,
			0,
		);
		expect(counted).toBe(delivered);
		expect(tally[0].lastStatus).toEqual(expect.any(String));

		// no execution was started by a status: every trigger item of every execution is a message
		const executions = await stack.settledExecutions();
		for (const execution of executions.slice(0, 60)) {
			const full = (await stack.execution(execution.id)) as {
				data?: {
					resultData?: {
						runData?: Record<
							string,
							Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>
						>;
					};
				};
			};
			const items = full.data?.resultData?.runData?.['Messaggio WhatsApp']?.[0]?.data?.main?.[0];
			for (const item of items ?? []) expect(item.json.event).toBe('message');
		}
	});

	test("the cases tell what happened: the answered question's reply status, the report's number, the portal down", async () => {
		const gianni = await store.conversations.casesOf({ waId: '393475554455' });
		expect(gianni).toHaveLength(1);
		expect(gianni[0]).toMatchObject({
			kind: 'question',
			state: 'answered',
			routedTo: 'operators',
			answeredHow: 'text',
			outOfHours: false,
		});
		expect(['sent', 'delivered', 'read']).toContain(gianni[0].replyStatus);
		const elena = await store.conversations.casesOf({ waId: '393478889900' });
		expect(elena[0]).toMatchObject({ state: 'answered', answeredHow: 'template' });

		const carla = await store.conversations.casesOf({ waId: '393401112233' });
		// newest first: the new report still waiting for its position, then the registered one
		expect(carla.map((c) => [c.kind, c.state, c.routedTo])).toEqual([
			['report', 'received', null],
			['report', 'registered', 'segnala'],
		]);
		expect(carla[1].portalRequestId).toEqual(expect.any(String));
		expect(carla[1].portalService).toBe('buche');
		const piero = await store.conversations.casesOf({ waId: '393402223344' });
		expect(piero[0]).toMatchObject({ kind: 'report', state: 'routed', routedTo: 'urp_mailbox' });

		const luca = await store.conversations.casesOf({ waId: '393479990011' });
		expect(luca.length).toBe(4);
		expect(luca.every((c) => c.outOfHours && c.routedTo === 'urp_mailbox')).toBe(true);
	});

	test('no execution failed; the questions left no execution waiting', async () => {
		const executions = await stack.settledExecutions();
		expect(
			executions.filter(
				(execution) => execution.status === 'error' || execution.status === 'crashed',
			),
		).toEqual([]);
		expect(executions.filter((execution) => execution.status === 'waiting')).toEqual([]);
	});
});
