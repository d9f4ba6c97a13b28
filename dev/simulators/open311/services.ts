/**
 * The simulator's default services: what the City of Rimini's reporting portal could offer, in
 * Italian, covering the three GeoReport v2 service types and every attribute datatype the office
 * is likely to meet.
 */
import type { SimulatedService } from './types';

export const RIMINI_SERVICES: SimulatedService[] = [
	{
		service_code: 'buche',
		service_name: 'Buche e dissesti stradali',
		description: 'Buche, avvallamenti e dissesti di strade, marciapiedi e piste ciclabili',
		type: 'realtime',
		group: 'Strade e mobilità',
		keywords: 'buca, buche, asfalto, marciapiede, strada, dissesto',
		agency_responsible: 'Direzione Lavori Pubblici',
		service_notice:
			'La segnalazione è stata inoltrata alla Direzione Lavori Pubblici: un tecnico verificherà il dissesto.',
		expected_days: 15,
	},
	{
		service_code: 'illuminazione',
		service_name: 'Illuminazione pubblica',
		description: 'Lampioni spenti, intermittenti, accesi di giorno o danneggiati',
		type: 'realtime',
		group: 'Strade e mobilità',
		keywords: 'lampione, luce, illuminazione, palo',
		agency_responsible: 'Servizio Illuminazione Pubblica',
		service_notice:
			"Segnalazione inoltrata al gestore dell'illuminazione pubblica: l'intervento è previsto entro 7 giorni.",
		expected_days: 7,
		attributes: [
			{
				code: 'numero_palo',
				datatype: 'string',
				required: false,
				order: 1,
				description: 'Numero del palo (targhetta sul palo), se visibile',
				datatype_description: 'Per esempio RN-01234',
			},
			{
				code: 'tipo_guasto',
				datatype: 'singlevaluelist',
				required: true,
				order: 2,
				description: 'Che cosa non funziona?',
				values: [
					{ key: 'spento', name: 'Lampione spento' },
					{ key: 'intermittente', name: 'Luce intermittente' },
					{ key: 'acceso_giorno', name: 'Acceso di giorno' },
					{ key: 'danneggiato', name: 'Palo o lampione danneggiato' },
				],
			},
		],
	},
	{
		service_code: 'rifiuti',
		service_name: 'Rifiuti e decoro',
		description: 'Rifiuti abbandonati, cassonetti pieni o danneggiati, sporcizia',
		type: 'batch',
		group: 'Ambiente',
		keywords: 'rifiuti, cassonetto, spazzatura, abbandono, sporcizia, decoro',
		agency_responsible: 'Gestore servizi ambientali',
		service_notice: 'Segnalazione ricevuta: verrà presa in carico dal gestore dei rifiuti.',
		expected_days: 3,
		attributes: [
			{
				code: 'tipo_rifiuto',
				datatype: 'multivaluelist',
				required: false,
				order: 1,
				description: 'Tipo di rifiuti',
				values: [
					{ key: 'ingombranti', name: 'Ingombranti' },
					{ key: 'indifferenziato', name: 'Indifferenziato' },
					{ key: 'vetro', name: 'Vetro' },
					{ key: 'carta', name: 'Carta e cartone' },
					{ key: 'verde', name: 'Sfalci e potature' },
					{ key: 'pericolosi', name: 'Rifiuti pericolosi (amianto, batterie…)' },
				],
			},
			{
				code: 'quantita',
				datatype: 'number',
				required: false,
				order: 2,
				description: 'Numero indicativo di sacchi o di oggetti',
			},
			{
				code: 'avviso_privacy',
				datatype: 'text',
				required: false,
				variable: false,
				order: 3,
				description: 'Non fotografare persone o targhe riconoscibili.',
			},
		],
	},
	{
		service_code: 'verde',
		service_name: 'Verde pubblico e alberi',
		description: 'Rami pericolanti, alberi caduti, erba alta in parchi e aiuole',
		type: 'blackbox',
		group: 'Ambiente',
		keywords: 'albero, rami, erba, parco, giardino, aiuola',
		agency_responsible: 'Ufficio Verde Pubblico',
		service_notice: "Grazie: la segnalazione è stata inoltrata all'Ufficio Verde Pubblico.",
		attributes: [
			{
				code: 'osservato_il',
				datatype: 'datetime',
				required: false,
				order: 1,
				description: 'Quando è stato notato il problema',
			},
		],
	},
	{
		service_code: 'altro',
		service_name: 'Altre segnalazioni',
		description: 'Tutto ciò che non rientra nelle altre categorie',
		type: 'realtime',
		group: 'Altro',
		keywords: 'altro, varie',
		agency_responsible: 'URP - Ufficio Relazioni con il Pubblico',
		service_notice: "La segnalazione è stata presa in carico dall'URP.",
	},
];
