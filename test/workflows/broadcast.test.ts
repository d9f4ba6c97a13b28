/**
 * workflows/broadcast.json as staff and n8n see it: no Code node; a list is named in one place (the
 * form's Lista choices) and whether it needs approval in another (Impostazioni's approvalLists), never
 * compared in expressions; the second person's approval is a choice posted on a page (a link opened by
 * a mail scanner approves nothing), with its 2-hour limit and the refusal email.
 */
import { expressionsOf, readWorkflowFile } from '../helpers/workflowFile';

const { node, working, next, settings: readSettings } = readWorkflowFile('broadcast.json');
const settings = readSettings();

describe('workflows/broadcast.json', () => {
	test('no Code node, no Function node', () => {
		const banned = working.filter((n) => /\.(code|function|functionItem)$/.test(n.type));
		expect(banned).toEqual([]);
	});

	test('no expression names a list: lists come from the form, approval from approvalLists', () => {
		const naming = working.flatMap((n) =>
			expressionsOf(n.parameters)
				.filter((e) => /EMERGENZ|PUBBLICAUTILIT/i.test(e))
				.map((e) => `${n.name}: ${e.slice(0, 80)}`),
		);
		expect(naming).toEqual([]);
		expect(settings.find((a) => a.name === 'approvalLists')?.value).toBe('EMERGENZE');
	});

	test('both Broadcast nodes know the defined lists and the approval lists; the branch reads needsApproval', () => {
		for (const name of ['Conta destinatari', 'Invia avviso']) {
			expect(node(name).parameters).toMatchObject({
				definedLists: expect.stringContaining("$('Modulo avviso').params.formFields"),
				approvalLists: "={{ $('Impostazioni').first().json.approvalLists }}",
			});
		}
		expect(JSON.stringify(node('Serve approvazione?').parameters)).toContain(
			"$('Conta destinatari').first().json.needsApproval",
		);
		expect(next('Serve approvazione?', 0)).toEqual(['Approvazione responsabile']);
		expect(next('Serve approvazione?', 1)).toEqual(['Invia avviso']);
	});

	test('the approval is a choice posted on a page, within 2 hours; only «Approva e invia» sends', () => {
		const approval = node('Approvazione responsabile');
		expect(approval.type).toBe('n8n-nodes-base.emailSend');
		expect(approval.parameters).toMatchObject({
			operation: 'sendAndWait',
			responseType: 'customForm',
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
				},
			},
		});
		const [field] = (
			approval.parameters.formFields as {
				values: Array<{
					fieldLabel: string;
					fieldType: string;
					requiredField: boolean;
					fieldOptions: { values: Array<{ option: string }> };
				}>;
			}
		).values;
		expect(field).toMatchObject({
			fieldLabel: 'Decisione',
			fieldType: 'dropdown',
			requiredField: true,
		});
		expect(field.fieldOptions.values.map((v) => v.option).sort()).toEqual([
			'Approva e invia',
			'Rifiuta',
		]);
		const [condition] = (
			node('Approvato?').parameters.conditions as {
				conditions: Array<{ leftValue: string; rightValue: string; operator: unknown }>;
			}
		).conditions;
		expect(condition).toMatchObject({
			leftValue: '={{ $json.data?.Decisione }}',
			rightValue: 'Approva e invia',
			operator: { type: 'string', operation: 'equals' },
		});
		expect(next('Approvazione responsabile', 0)).toEqual(['Approvato?']);
		expect(next('Approvato?', 0)).toEqual(['Invia avviso']);
		expect(next('Approvato?', 1)).toEqual(['Email non approvato']);
	});
});
