/** A database file served over libSQL's HTTP protocol in a process of its own (P4: the database's work is not the Worker's). */
import { startHranaServer } from '../local-hrana-server.ts';

const server = await startHranaServer(process.argv[2]);
console.log(server.url);
