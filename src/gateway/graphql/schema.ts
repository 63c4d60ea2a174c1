/**
 * The GraphQL schema: the REST resources as types, their lists as cursor connections, the order-to-ship commands as
 * mutations answering a union of the result and the typed business errors, and live progress as subscriptions.
 * Field names and values are those of the REST API (docs/dev/graphql.md).
 */

/** A cursor connection over a REST list page (`?limit=&cursor=` → `first`/`after`). */
const connection = (type: string): string => `
"""A page of ${type} in the REST list's order; page on with \`after: pageInfo.endCursor\`."""
type ${type}Connection {
  edges: [${type}Edge!]!
  nodes: [${type}!]!
  pageInfo: PageInfo!
}
type ${type}Edge {
  """The REST cursor after this node: set on a page's last edge (REST pages by the last key only), null on the others."""
  cursor: String
  node: ${type}!
}`;

/** A mutation's result: the resource on success, else the business error REST answered (code and message). */
const result = (name: string, success: string): string =>
  `union ${name} = ${success} | NotFound | Conflict | ValidationFailed | InsufficientStock | Forbidden`;

export const schema = /* GraphQL */ `
scalar JSON

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
}

"""A refusal of a command, as the REST API's problem+json states it (4xx but 401 and 429; faults stay in errors[])."""
interface BusinessError {
  """The stable error code, e.g. ORDER_SHIPPED."""
  code: String!
  message: String!
  """The HTTP status REST answered (not \`status\`: resources have a status of their own)."""
  httpStatus: Int!
  traceId: String
  """The problem's field errors (REST's errors[]): where the input is wrong, or what differs (ORDER_CONFLICT); often empty."""
  fieldErrors: [FieldError!]!
}
type FieldError {
  field: String!
  message: String!
}
"""404: the resource does not exist."""
type NotFound implements BusinessError { code: String! message: String! httpStatus: Int! traceId: String fieldErrors: [FieldError!]! }
"""409/412: the resource's state does not allow the command (e.g. ORDER_SHIPPED, ILLEGAL_TRANSITION, VERSION_MISMATCH); ORDER_CONFLICT names what differs in fieldErrors."""
type Conflict implements BusinessError { code: String! message: String! httpStatus: Int! traceId: String fieldErrors: [FieldError!]! }
"""400/422: the input is not valid (fieldErrors say where)."""
type ValidationFailed implements BusinessError { code: String! message: String! httpStatus: Int! traceId: String fieldErrors: [FieldError!]! }
"""Not enough stock for the command (INSUFFICIENT_STOCK)."""
type InsufficientStock implements BusinessError { code: String! message: String! httpStatus: Int! traceId: String fieldErrors: [FieldError!]! }
"""403: the caller's role may not run this command (OWNER_NOT_ALLOWED names the field in fieldErrors)."""
type Forbidden implements BusinessError { code: String! message: String! httpStatus: Int! traceId: String fieldErrors: [FieldError!]! }

"""Where the order ships (REST's shipTo, every field of it)."""
type ShipTo {
  name: String!
  company: String
  line1: String!
  line2: String
  line3: String
  city: String!
  """State, province or region, e.g. CA or Ontario."""
  state: String
  postalCode: String!
  country: String!
  phone: String
  email: String
}
type StatusChange {
  from: String
  to: String!
  at: String!
  cause: String
}
type Order {
  id: ID!
  externalId: String!
  siteId: ID!
  """Whose order and units (ADR 0028)."""
  ownerId: ID!
  carrier: String!
  priority: Int!
  shipBy: String
  shipTo: ShipTo!
  status: String!
  waveId: ID
  cancelReason: String
  """While ON_HOLD (ADR 0052): the hold; null otherwise."""
  hold: OrderHold
  """True: the order never ships partial; a short pick with no stock elsewhere waits for stock (ADR 0024)."""
  shipComplete: Boolean!
  """SHORT_PICK while a shipComplete order waits for stock after a short pick; null otherwise."""
  backorderReason: String
  version: Int!
  createdAt: String!
  updatedAt: String!
  lines: [OrderLine!]!
  statusHistory: [StatusChange!]!
  wave: Wave
  shipments: [Shipment!]!
  packages: [Package!]!
}
type OrderHold {
  holdId: ID!
  reason: String!
  """Where the order was when it was held."""
  from: String!
  """Where releasing the hold takes it (what was allocated while it was held)."""
  resumeTo: String!
}
type OrderLine {
  id: ID!
  lineNo: Int!
  sku: String!
  ordered: Int!
  """Units of the line promised to the order by SKU-level allocation and still held for it; 0 once a cancel (of the order or of a line) released them."""
  allocated: Int!
  picked: Int!
  shorted: Int!
  packed: Int!
  shipped: Int!
  cancelled: Int!
  """Units picked but found missing or damaged at the pack station: never packed nor shipped."""
  shortAtPack: Int!
  product: Product
}
type Product {
  id: ID!
  sku: String!
  description: String!
  gtin: String
  uom: String!
  lengthMm: Int!
  widthMm: Int!
  heightMm: Int!
  weightG: Int!
  lotControlled: Boolean!
  expiryControlled: Boolean!
  """Every unit is received and picked with its own serial number (ADR 0058)."""
  serialControlled: Boolean!
  """False once deactivated: new orders, ASNs and receipts naming it are refused (PRODUCT_INACTIVE)."""
  active: Boolean!
  createdAt: String!
}
type Wave {
  id: ID!
  siteId: ID!
  carrier: String!
  status: String!
  maxOrders: Int!
  orderCount: Int!
  version: Int!
  createdAt: String!
  updatedAt: String!
  releasedAt: String
  completedAt: String
  cancelledAt: String
  """The wave's orders in pick order, without those cancelled out of it."""
  orderIds: [ID!]!
  orders: [Order!]!
  pickLists: [PickList!]!
}
type Task {
  id: ID!
  siteId: ID!
  type: String!
  """The pick list of a PICK task."""
  reference: String!
  waveId: ID
  priority: Int!
  status: String!
  workerId: String
  createdAt: String!
  assignedAt: String
  startedAt: String
  completedAt: String
  updatedAt: String!
  version: Int!
  """Where the task starts (a pick list's first stop, a putaway's source)."""
  locationId: String
  """Where the worker stands when the task is done."""
  endLocationId: String
  dueAt: String
  """Only workers of this zone may take it."""
  zone: String
  requiredSkills: [String!]!
  requiredEquipment: [String!]!
  """How often it was reported FAILED since it was created or a supervisor last re-queued it."""
  failures: Int!
  failureReason: String
  failureNote: String
  pickList: PickList
}
type PickList {
  id: ID!
  siteId: ID!
  waveId: ID!
  orderIds: [ID!]!
  status: String!
  priority: Int!
  routeLength: Float
  createdAt: String!
  updatedAt: String!
  completedAt: String
  lines: [PickLine!]!
  orders: [Order!]!
}
type PickLine {
  id: ID!
  pickListId: ID!
  seq: Int!
  orderId: ID!
  orderLineId: ID!
  """The inventory reservation the line picks from."""
  reservationId: ID!
  siteId: ID!
  sku: String!
  expectedBarcode: String
  locationId: ID!
  locationCode: String
  pickSequence: Int
  lot: String
  """Whose units the line takes: its reservation's owner (ADR 0028); null: the default owner's."""
  ownerId: ID
  """The expiry (YYYY-MM-DD) of the lot reserved: a confirm after that day is LOT_EXPIRED (short the line, reason EXPIRED). Null: undated stock, or a line made before lines knew it."""
  expiresOn: String
  quantity: Int!
  picked: Int!
  shortQuantity: Int!
  shortReason: String
  toteId: String
  status: String!
  updatedAt: String!
  product: Product
}
type PackageLine {
  lineId: ID!
  sku: String!
  quantity: Int!
}
"""POST /pack-station/shorts answered: units of a picked order missing from the tote or damaged, never packed nor shipped as they are."""
type PackShort {
  orderId: ID!
  lineId: ID!
  sku: String!
  quantity: Int!
  """MISSING (not in the tote) or DAMAGED (there but not fit to ship)."""
  reason: String!
  """Units of the line shorted at packing so far."""
  shortAtPack: Int!
  """What is left to pack, per line."""
  unitsLeftToPack: [PackageLine!]!
  """True when this short completed the order's packing: it can be booked now."""
  orderPacked: Boolean!
  """True for a shipComplete order: the units are picked again and the order ships complete, not packed nor bookable until they are picked (ADR 0024 addendum 2026-12-07); false: the order ships without them."""
  pickedAgain: Boolean!
}
type Package {
  id: ID!
  orderId: ID!
  siteId: ID!
  cartonCode: String!
  weightG: Int!
  status: String!
  shipmentId: ID
  createdAt: String!
  packedAt: String
  """SSCC-18 of the package (GS1 AI 00), given when it is sealed or packed."""
  sscc: String
  """Items + carton tare from the catalog, when weighed at the pack station (0: a product has no weight)."""
  expectedWeightG: Int
  """The pack station scale's reading."""
  weighedG: Int
  toteId: String
  lines: [PackageLine!]!
}
type Shipment {
  id: ID!
  orderId: ID!
  siteId: ID!
  carrier: String!
  trackingNumber: String
  status: String!
  createdAt: String!
  labelledAt: String
  dispatchedAt: String
  """The carrier's service booked."""
  service: String!
  """What the carrier quoted, surcharges included (null: the carrier does not quote)."""
  price: Float
  currency: String
  manifestId: ID
  voidedAt: String
  deliveredAt: String
  """The GS1-128 labels in ZPL II, one ^XA…^XZ per package (then the carrier's own label, if it sends one)."""
  labelZpl: String
  packageIds: [ID!]!
  order: Order
}
type Balance {
  siteId: ID!
  """Whose units (ADR 0028)."""
  ownerId: ID!
  sku: String!
  locationId: ID!
  lot: String
  status: String!
  onHand: Int!
  reserved: Int!
  available: Int!
  expiresOn: String
  firstReceivedAt: String!
  product: Product
}
"""A stock movement of the ledger."""
type Movement {
  id: ID!
  type: String!
  siteId: ID!
  ownerId: ID!
  sku: String!
  """Null for a movement of no location (REST answers null)."""
  locationId: ID
  lot: String
  status: String
  deltaOnHand: Int!
  deltaReserved: Int!
  deltaAllocated: Int!
  reason: String
  reference: String
  """Who caused it (null on movements written before actors were recorded)."""
  actor: Actor
  createdAt: String!
}
type Atp {
  sku: String!
  onHandAvailable: Int!
  unpickable: Int!
  allocated: Int!
  expired: Int!
  """Units kept back from orders (safety stock, ADR 0057); 0 when none is set."""
  safetyStock: Int!
  atp: Int!
}
type Location {
  id: ID!
  siteId: ID!
  code: String!
  type: String!
  zone: String
  aisle: Int
  bay: Int
  level: Int
  x: Float!
  y: Float!
  z: Float!
  pickSequence: Int
  status: String!
}
"""Who did something (ADR 0019): a person (usr_…), an API key (key_…) or the app's own calls, with the role it acted in."""
type Actor {
  kind: String!
  id: String!
  role: String!
}
"""A movement that put units into a held balance: a hold placed by hand (type HOLD), a receipt into QUARANTINE or DAMAGED, …"""
type HoldMovement {
  movementId: ID!
  type: String!
  """Units it put there."""
  quantity: Int!
  reason: String
  at: String!
  """Who placed it (null for jobs and movements written before actors were recorded)."""
  actor: Actor
}
"""Units still held (HOLD, QUARANTINE or DAMAGED) of one SKU, location, lot and owner, as GET /inventory/holds lists them."""
type HeldStock {
  siteId: ID!
  ownerId: ID!
  sku: String!
  locationId: ID!
  lot: String
  status: String!
  """Units still held there in this status."""
  quantity: Int!
  """When units were first put in this balance."""
  since: String!
  """The movements that put units there, newest first (at most 10)."""
  holds: [HoldMovement!]!
  product: Product
}
"""An event of the event store (a CloudEvents envelope; its lower-case attributes in camelCase: siteid is siteId, …)."""
type Event {
  id: ID!
  specversion: String!
  type: String!
  source: String!
  subject: String!
  time: String!
  datacontenttype: String!
  siteId: String
  correlationId: String
  causationId: String
  traceparent: String
  """Who caused it: a user id, an API key id or the internal caller."""
  actorId: String
  """user, key or internal."""
  actorKind: String
  actorRole: String
  data: JSON!
}
"""One life of a serial-controlled unit at a site (ADR 0058): received, picked for an order, shipped (GET /inventory/serials)."""
type SerialUnit {
  id: ID!
  serial: String!
  sku: String!
  siteId: ID!
  ownerId: ID!
  """IN_STOCK, PICKED or SHIPPED."""
  status: String!
  """Its receiving location while IN_STOCK (the registry follows no moves), IN_PROCESS:<orderId> once PICKED, null once SHIPPED."""
  where: String
  receivedAt: String!
  receivedAtLocationId: ID!
  receiptMovementId: ID!
  asnId: ID
  lot: String
  orderId: ID
  pickListId: ID
  pickedFromLocationId: ID
  pickedAt: String
  shipmentId: ID
  shippedAt: String
}
"""Every life of a serial at a site, newest first (GET /inventory/serials/{serial})."""
type SerialTrace {
  serial: String!
  siteId: ID!
  items: [SerialUnit!]!
}
"""A SKU's safety stock at a site, for one owner's units (ADR 0057): units allocation never promises to orders."""
type SafetyStock {
  siteId: ID!
  """Whose units (ADR 0028)."""
  ownerId: ID!
  sku: String!
  """Units never allocated to orders; 0: none set."""
  quantity: Int!
  """When it was last set or cleared (null: never)."""
  updatedAt: String
  product: Product
}
${['Order', 'Wave', 'Task', 'PickList', 'Balance', 'HeldStock', 'Movement', 'Location', 'Product', 'Shipment', 'Package', 'Event', 'SafetyStock', 'SerialUnit'].map(connection).join('\n')}

type Query {
  """Orders, optionally of one owner (a key scoped to an owner sees its own only)."""
  orders(siteId: String, owner: ID, status: String, externalId: String, waveId: ID, first: Int = 50, after: String): OrderConnection!
  order(id: ID!): Order
  waves(siteId: String, status: String, first: Int = 50, after: String): WaveConnection!
  wave(id: ID!): Wave
  """GET /tasks: workerId matches the worker id in any letter case (ANNA lists anna's tasks, ADR 0019)."""
  tasks(siteId: String, status: String, workerId: String, type: String, first: Int = 100, after: String): TaskConnection!
  task(id: ID!): Task
  """Pick lists of a site (its id, sit_…), wave or order; a caller of some sites only names one of them (SITE_REQUIRED otherwise)."""
  pickLists(siteId: ID, waveId: ID, orderId: ID, status: String, first: Int = 50, after: String): PickListConnection!
  pickList(id: ID!): PickList
  """Stock balances of a site (GET /inventory/balances)."""
  inventoryBalances(siteId: String!, owner: ID, sku: String, locationId: ID, first: Int = 100, after: String): BalanceConnection!
  """Stock still held at a site (HOLD, QUARANTINE, DAMAGED) with who put it on hold, when and why (GET /inventory/holds); status: one of them."""
  holds(siteId: String!, owner: ID, sku: String, locationId: ID, status: String, first: Int = 100, after: String): HeldStockConnection!
  """The stock ledger's movements (GET /inventory/ledger); lot: only movements of units of that lot (a recall's lot trace), with or without sku."""
  ledger(siteId: String!, owner: ID, sku: String, lot: String, type: String, first: Int = 100, after: String): MovementConnection!
  """Available to promise per SKU."""
  atp(siteId: String!, owner: ID, sku: String): [Atp!]!
  """A SKU's safety stock at a site (GET /inventory/safety-stock/{siteId}/{sku}; siteId: id or code): quantity 0 when none was set; owner: the default owner's (or an owner-scoped key's) when absent."""
  safetyStock(siteId: String!, sku: String!, owner: ID): SafetyStock
  """The safety stocks set at a site (GET /inventory/safety-stock), by SKU and owner: only those above 0."""
  safetyStocks(siteId: String!, owner: ID, sku: String, first: Int = 100, after: String): SafetyStockConnection!
  """Where a serial is, or where it went (GET /inventory/serials/{serial}): null when the site never received it."""
  serialTrace(serial: String!, siteId: String!, sku: String, owner: ID): SerialTrace
  """The serial registry of a site (GET /inventory/serials), narrowed by SKU, order, status, owner."""
  serials(siteId: String!, sku: String, orderId: ID, status: String, owner: ID, first: Int = 100, after: String): SerialUnitConnection!
  locations(siteId: String!, type: String, zone: String, status: String, first: Int = 100, after: String): LocationConnection!
  products(search: String, skus: [String!], first: Int = 50, after: String): ProductConnection!
  product(sku: String!): Product
  """Shipments oldest first, of a site (siteId) or of orders (orderIds); first: 50 by default, every shipment of orderIds without it."""
  shipments(siteId: String, status: String, orderIds: [ID!], first: Int, after: String): ShipmentConnection!
  shipment(id: ID!): Shipment
  packages(orderId: ID!): PackageConnection!
  """The event store (GET /events); a caller of some sites only names one of them (siteId: id or code; SITE_REQUIRED otherwise)."""
  events(siteId: String, subject: String, type: String, from: String, to: String, first: Int = 100, after: String): EventConnection!
  """How many orders of a site are in each status (GET /orders/counts: exact, every status, 0 when none; an owner-scoped key counts its own)."""
  orderCounts(siteId: String!): StatusCounts!
  """How many waves of a site are in each status (GET /waves/counts)."""
  waveCounts(siteId: String!): StatusCounts!
  """How many tasks of a site are in each status (GET /tasks/counts)."""
  taskCounts(siteId: String!): StatusCounts!
  """How many exceptions of a site are in each status (GET /exceptions/counts; OPEN is the work waiting)."""
  exceptionCounts(siteId: String!): StatusCounts!
}

"""A dashboard's exact figures: one per status of the resource, 0 when none (REST's answer of GET /<resource>/counts)."""
type StatusCounts {
  """The site counted (its id)."""
  siteId: ID!
  """Status → count, every status of the resource (the REST answer's byStatus, as it is)."""
  byStatus: JSON!
  """The same figures as a list, in the order of the resource's statuses."""
  counts: [StatusCount!]!
}
type StatusCount {
  status: String!
  count: Int!
}

input ShipToInput {
  name: String!
  company: String
  line1: String!
  line2: String
  line3: String
  city: String!
  """State, province or region, e.g. CA or Ontario."""
  state: String
  postalCode: String!
  """ISO 3166-1 alpha-2, e.g. DE."""
  country: String!
  phone: String
  email: String
}
input OrderLineInput {
  sku: String!
  quantity: Int!
}
input CreateOrderInput {
  externalId: String!
  siteId: String!
  """The owner (3PL client) of the order; the default owner when left out."""
  ownerId: ID
  carrier: String
  priority: Int
  shipBy: String
  shipTo: ShipToInput!
  """Short-pick policy (ADR 0024): true never ships partial, it waits for stock (BACKORDERED, SHORT_PICK); false by default."""
  shipComplete: Boolean
  lines: [OrderLineInput!]!
}
input PackUnitInput {
  lineId: ID!
  quantity: Int!
}
"""POST /tasks/next found no work for the worker."""
type NoTask {
  message: String!
}

${result('OrderResult', 'Order')}
${result('WaveResult', 'Wave')}
${result('TaskResult', 'Task')}
${result('NextTaskResult', 'Task | NoTask')}
${result('PickListResult', 'PickList')}
${result('PackageResult', 'Package')}
${result('PackShortResult', 'PackShort')}
${result('ShipmentResult', 'Shipment')}
${result('SafetyStockResult', 'SafetyStock')}

"""
The order-to-ship commands, each the REST command of the same name. idempotencyKey: the command's Idempotency-Key; without
it, a request's Idempotency-Key header is used, suffixed with the mutation's response key (so one header covers a
document of several mutations, and the same document sent again replays every one; hashed when together over 200 characters).
"""
type Mutation {
  createOrder(input: CreateOrderInput!, idempotencyKey: String): OrderResult!
  cancelOrder(id: ID!, reason: String, expectedVersion: Int, idempotencyKey: String): OrderResult!
  """POST /orders/{id}/lines/{lineId}/cancel: a line's open units (all when quantity is absent) before a wave takes the order; a Conflict ORDER_IN_FULFILMENT once one has it."""
  cancelOrderLine(id: ID!, lineId: ID!, quantity: Int, reason: String, idempotencyKey: String): OrderResult!
  holdOrder(id: ID!, reason: String!, idempotencyKey: String): OrderResult!
  releaseOrderHold(id: ID!, idempotencyKey: String): OrderResult!
  planWave(siteId: String!, maxOrders: Int, carrier: String, idempotencyKey: String): WaveResult!
  releaseWave(id: ID!, pickStrategy: String, cartCapacity: Int, idempotencyKey: String): WaveResult!
  cancelWave(id: ID!, idempotencyKey: String): WaveResult!
  nextTask(workerId: ID!, siteId: String!, types: [String!], idempotencyKey: String): NextTaskResult!
  startTask(id: ID!, workerId: ID!, idempotencyKey: String): TaskResult!
  """POST /tasks/{id}/complete: a Conflict PICK_LINES_OPEN or TASK_WORK_OPEN while the task's work (pick list, putaway, replenishment, return, count attempt) is open, TASK_WORK_WITHDRAWN once it was withdrawn (cancelled)."""
  completeTask(id: ID!, workerId: ID!, idempotencyKey: String): TaskResult!
  rejectTask(id: ID!, workerId: ID!, reason: String, idempotencyKey: String): TaskResult!
  """POST /tasks/{id}/fail: reason EQUIPMENT, LOCATION_INACCESSIBLE, DAMAGED_GOODS or OTHER; workerId may be left out by a supervisor."""
  failTask(id: ID!, workerId: ID, reason: String!, note: String, idempotencyKey: String): TaskResult!
  """POST /tasks/{id}/pause: IN_PROGRESS → PAUSED; the worker may take another task meanwhile."""
  pauseTask(id: ID!, workerId: ID!, idempotencyKey: String): TaskResult!
  """POST /tasks/{id}/resume: PAUSED → IN_PROGRESS for the worker who paused it."""
  resumeTask(id: ID!, workerId: ID!, idempotencyKey: String): TaskResult!
  """POST /pick-lists/{id}/lines/{lineId}/confirm: a serial-controlled product (ADR 0058) takes serials, one scanned per unit, exactly quantity distinct ones."""
  confirmPick(pickListId: ID!, lineId: ID!, locationCode: String!, barcode: String!, quantity: Int!, toteId: String!, scanId: String, serials: [String!], idempotencyKey: String): PickListResult!
  shortPick(pickListId: ID!, lineId: ID!, reason: String!, scanId: String, idempotencyKey: String): PickListResult!
  packOrder(orderId: ID!, units: [PackUnitInput!], cartonCode: String, weightG: Int, idempotencyKey: String): PackageResult!
  """POST /pack-station/shorts: quantity units of a line waiting to be packed are MISSING or DAMAGED; pickedAgain says whether the order ships without them or they are picked again (a shipComplete order)."""
  shortAtPack(orderId: ID!, lineId: ID!, quantity: Int!, reason: String!, toteId: String, note: String, idempotencyKey: String): PackShortResult!
  createShipment(orderId: ID!, carrier: String, idempotencyKey: String): ShipmentResult!
  dispatchShipment(id: ID!, idempotencyKey: String): ShipmentResult!
  """PUT /inventory/safety-stock/{siteId}/{sku} (admin, manager; a manager of some sites at those): units of the SKU no order is ever allocated; 0 clears it. The same figure again changes nothing, so it takes no idempotencyKey."""
  setSafetyStock(siteId: String!, sku: String!, quantity: Int!, ownerId: ID): SafetyStockResult!
  """DELETE /inventory/safety-stock/{siteId}/{sku}: as setSafetyStock with quantity 0."""
  clearSafetyStock(siteId: String!, sku: String!, ownerId: ID): SafetyStockResult!
}

"""An event about the subscribed order, wave or site, delivered after it committed."""
type Progress {
  eventId: ID!
  type: String!
  subject: String!
  siteId: String
  time: String!
  data: JSON!
}

type Subscription {
  """Events of one order: waved, released, picked lines, packed, shipped, cancelled."""
  orderProgress(orderId: ID!): Progress!
  """Events of one wave and of its orders, pick lists and tasks."""
  waveProgress(waveId: ID!): Progress!
  """Task events of a site (id or code): created, assigned, started, completed, rejected, timed out."""
  taskUpdates(siteId: String!): Progress!
}
`;
