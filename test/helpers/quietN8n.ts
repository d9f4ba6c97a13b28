// n8n-core reports node errors through its own logger; the tests assert those errors instead of printing them.
process.env.N8N_LOG_LEVEL = 'silent';
