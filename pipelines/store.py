"""Storage: batched upserts with sqlite-utils on each table's natural key, so running the same
crawl twice changes no row count. A batch is written in one transaction: readers never see half
of one."""

from collections import defaultdict

from itemadapter import ItemAdapter

from recallwatch.core.batch import RecordBatch
from recallwatch.core.schema import create_indexes, drop_indexes_while_empty
from recallwatch.runtime.provenance import DocumentDone
from recallwatch.runtime.run import Run


class StorePipeline:
    def __init__(self, crawler):
        self.run = Run.of(crawler)
        self.batch_size = crawler.settings.getint("STORE_BATCH_SIZE")
        self.pending = defaultdict(list)
        self.completed_fetches = []
        self.keys = {}
        self.batch_tables = set()  # tables a RecordBatch was stored in
        self.unindexed_tables = []  # of those, the ones loaded without their secondary indexes
        self.run.on_close(self.flush)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, DocumentDone):
            self.completed_fetches.append(item)
            return item
        if isinstance(item, RecordBatch):
            self.store_batch(item)
            return item
        self.pending[item.table].append(ItemAdapter(item).asdict())
        self.keys[item.table] = item.key
        self.run.items_stored += 1
        if len(self.pending[item.table]) >= self.batch_size:
            self.flush()
        return item

    def flush(self):
        if not any(self.pending.values()) and not self.completed_fetches:
            return
        db = self.run.db
        with db.atomic():
            for table, rows in self.pending.items():
                if rows:
                    key = self.keys[table]
                    db[table].upsert_all(
                        rows, pk=key[0] if len(key) == 1 else key, alter=True, batch_size=self.batch_size
                    )
            # In the same transaction as their items: a fetch is complete only if its items are stored.
            for done in self.completed_fetches:
                db["fetches"].update(done["fetch_id"], {"complete": 1, "links": done["links"]})
        self.pending.clear()
        self.completed_fetches.clear()

    def store_batch(self, batch):
        """A RecordBatch in one transaction: one prepared upsert, executed for every row."""
        key = batch.item_class.key
        columns = [*batch.fields, "fetch_id"]
        updates = ", ".join(f"[{column}] = excluded.[{column}]" for column in columns if column not in key)
        conflict = "DO NOTHING" if batch.item_class.insert_only else f"DO UPDATE SET {updates}"
        statement = (
            f"INSERT INTO [{batch.table}] ({', '.join(f'[{column}]' for column in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) ON CONFLICT ({', '.join(key)}) {conflict}"
        )
        fetch_id = (batch.fetch_id,)
        if batch.table not in self.batch_tables:
            self.batch_tables.add(batch.table)
            if drop_indexes_while_empty(self.run.db, batch.table):
                self.unindexed_tables.append(batch.table)
        with self.run.db.atomic():
            self.run.db.conn.executemany(statement, (row + fetch_id for row in batch.rows))
        self.run.items_stored += len(batch.rows)

    def close_spider(self):
        self.flush()
        for table in self.unindexed_tables:
            create_indexes(self.run.db, table)
