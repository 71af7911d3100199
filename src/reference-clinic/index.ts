export { decide, clinicRecordFor, type Decide, type DecideContext } from './decide.js';
export { ReferenceReception, type ReferenceReceptionOptions } from './reception-client.js';
export { decideBackOffice, type DecideBackOffice } from './back-office.js';
