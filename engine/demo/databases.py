"""The synthetic task's two sqlite databases, generated from a seed (engine/demo/synthetic.py asks
questions about them).

The databases:

    shop:   customers(id, name, city, age)       products(id, name, category, price)
            orders(id, customer_id -> customers.id, product_id -> products.id, quantity, year)
    school: teachers(id, name, subject, age)     students(id, name, city, age)
            courses(id, title, teacher_id -> teachers.id, credits)
            enrollments(id, student_id -> students.id, course_id -> courses.id, score)

Values come from fixed vocabularies (names, cities, categories, ...), assigned so that names are
unique across tables and no text value is shared by two columns: the split of questions can then
keep every test value out of training.
"""

from __future__ import annotations

import os
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# ----------------------------------------------------------------------------- vocabulary

FIRST_NAMES = ("Ada", "Ben", "Cara", "Dan", "Eva", "Finn", "Gina", "Hugo", "Ida", "Jack", "Kira", "Leo",
               "Maya", "Nils", "Olga", "Paul", "Rosa", "Sam", "Tara", "Umar", "Vera", "Walt", "Yara", "Zane",
               "Alma", "Boris", "Clea", "Dora", "Emil", "Flora", "Gus", "Hana", "Ivan", "Jana", "Karl", "Lina")
LAST_NAMES = ("Stone", "Brook", "Hill", "Wood", "Frost", "Lake", "Marsh", "Field", "Rivers", "Moss",
              "Grant", "Hale", "Kent", "Lowe", "Nash", "Pike", "Reed", "Shaw", "Todd", "Vale",
              "Webb", "York", "Cole", "Dunn", "Ford", "Gray", "Holt", "Lamb", "Mills", "Page")
CITIES = ("Lisbon", "Porto", "Madrid", "Paris", "Lyon", "Rome", "Milan", "Berlin", "Munich", "Vienna",
          "Prague", "Warsaw", "Oslo", "Dublin", "Zurich", "Athens", "Seville", "Valencia", "Bordeaux", "Nantes",
          "Naples", "Turin", "Hamburg", "Cologne", "Graz", "Brno", "Krakow", "Bergen", "Cork", "Geneva", "Patras", "Ghent")
CATEGORIES = ("books", "toys", "garden", "kitchen", "music", "sports", "office", "games", "tools", "beauty",
              "pets", "baby", "travel", "shoes", "crafts", "lighting", "camping", "bikes", "phones", "candles")
PRODUCT_WORDS = ("Lamp", "Chair", "Kettle", "Ball", "Drum", "Pen", "Rake", "Puzzle", "Brush", "Clock",
                 "Mug", "Kite", "Desk", "Hammer", "Novel", "Guitar", "Shovel", "Robot", "Mirror", "Tent")
PRODUCT_ADJ = ("Red", "Blue", "Green", "Big", "Small", "Smart", "Classic", "Royal", "Happy", "Silver")
SUBJECTS = ("math", "physics", "history", "biology", "art", "dance", "chemistry", "geography", "latin", "drama",
            "economics", "ethics", "greek", "spanish", "french", "astronomy", "robotics", "statistics", "philosophy", "law")
COURSE_TOPICS = ("Algebra", "Optics", "Rome", "Cells", "Painting", "Harmony", "Bonds", "Maps", "Poetry",
                 "Theatre", "Geometry", "Motion", "Empires", "Genes", "Sculpture", "Rhythm", "Acids",
                 "Rivers", "Grammar", "Comedy")
COURSE_LEVELS = ("I", "II", "III")


# ----------------------------------------------------------------------------- databases


@dataclass(frozen=True)
class EntityTable:
    """A table a question can be about: its words and the roles of its columns."""
    db_id: str
    name: str  # table name, also the plural noun ("customers")
    singular: str  # "customer"
    label: str | None  # column naming a row ("name", "title"); None for link tables
    category: str | None  # a text column with a few repeated values ("city")
    number: str | None  # an integer column ("age")


@dataclass(frozen=True)
class ForeignKey:
    db_id: str
    child: str  # table holding the key ("orders")
    column: str  # "customer_id"
    parent: str  # "customers"


ENTITIES = (
    EntityTable("shop", "customers", "customer", "name", "city", "age"),
    EntityTable("shop", "products", "product", "name", "category", "price"),
    EntityTable("shop", "orders", "order", None, None, "quantity"),
    EntityTable("school", "teachers", "teacher", "name", "subject", "age"),
    EntityTable("school", "students", "student", "name", "city", "age"),
    EntityTable("school", "courses", "course", "title", None, "credits"),
    EntityTable("school", "enrollments", "enrollment", None, None, "score"),
)
FOREIGN_KEYS = (
    ForeignKey("shop", "orders", "customer_id", "customers"),
    ForeignKey("shop", "orders", "product_id", "products"),
    ForeignKey("school", "courses", "teacher_id", "teachers"),
    ForeignKey("school", "enrollments", "student_id", "students"),
    ForeignKey("school", "enrollments", "course_id", "courses"),
)

SCHEMAS = {
    "shop": """
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  age INTEGER NOT NULL
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  price INTEGER NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL,
  year INTEGER NOT NULL
);
""",
    "school": """
CREATE TABLE teachers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  age INTEGER NOT NULL
);
CREATE TABLE students (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  age INTEGER NOT NULL
);
CREATE TABLE courses (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  teacher_id INTEGER NOT NULL REFERENCES teachers(id),
  credits INTEGER NOT NULL
);
CREATE TABLE enrollments (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students(id),
  course_id INTEGER NOT NULL REFERENCES courses(id),
  score INTEGER NOT NULL
);
""",
}


def _people(rng: random.Random, n: int) -> list[str]:
    pool = [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES]
    return rng.sample(pool, n)


def _cycle_values(rng: random.Random, values, n: int) -> list:
    """n values drawn so that every value occurs at least n // len(values) times (none is absent)."""
    out = [values[i % len(values)] for i in range(n)]
    rng.shuffle(out)
    return out


def database_rows(seed: int) -> dict[str, dict[str, list[tuple]]]:
    """{db_id: {table: rows}}, deterministic for a seed."""
    rng = random.Random(f"synthetic-db-{seed}")
    n_cust, n_prod, n_ord = 120, 60, 300
    n_teach, n_stud, n_course, n_enr = 40, 150, 60, 420
    people = _people(rng, n_cust + n_teach + n_stud)  # nobody is in two tables: names identify one row
    customers = list(zip(range(1, n_cust + 1), people[:n_cust], _cycle_values(rng, CITIES, n_cust),
                         [rng.randint(18, 80) for _ in range(n_cust)]))
    prod_names = rng.sample([f"{a} {w}" for a in PRODUCT_ADJ for w in PRODUCT_WORDS], n_prod)
    products = list(zip(range(1, n_prod + 1), prod_names, _cycle_values(rng, CATEGORIES, n_prod),
                        [rng.randint(2, 400) for _ in range(n_prod)]))
    orders = [(i, rng.randint(1, n_cust), rng.randint(1, n_prod), rng.randint(1, 9), rng.randint(2018, 2024))
              for i in range(1, n_ord + 1)]
    # Every customer and product has at least one order, so name questions never count zero.
    for i in range(n_cust):
        orders[i] = (orders[i][0], i + 1) + orders[i][2:]
    for i in range(n_prod):
        j = n_cust + i
        orders[j] = orders[j][:2] + (i + 1,) + orders[j][3:]

    teachers = list(zip(range(1, n_teach + 1), people[n_cust:n_cust + n_teach], _cycle_values(rng, SUBJECTS, n_teach),
                        [rng.randint(25, 66) for _ in range(n_teach)]))
    students = list(zip(range(1, n_stud + 1), people[n_cust + n_teach:], _cycle_values(rng, CITIES, n_stud),
                        [rng.randint(10, 19) for _ in range(n_stud)]))
    titles = rng.sample([f"{t} {lv}" for t in COURSE_TOPICS for lv in COURSE_LEVELS], n_course)
    course_teacher = _cycle_values(rng, list(range(1, n_teach + 1)), n_course)
    courses = list(zip(range(1, n_course + 1), titles, course_teacher, [rng.randint(1, 8) for _ in range(n_course)]))
    enrollments = [(i, rng.randint(1, n_stud), rng.randint(1, n_course), rng.randint(20, 100))
                   for i in range(1, n_enr + 1)]
    for i in range(n_stud):
        enrollments[i] = (enrollments[i][0], i + 1) + enrollments[i][2:]
    for i in range(n_course):
        j = n_stud + i
        enrollments[j] = enrollments[j][:2] + (i + 1,) + enrollments[j][3:]
    return {
        "shop": {"customers": customers, "products": products, "orders": orders},
        "school": {"teachers": teachers, "students": students, "courses": courses, "enrollments": enrollments},
    }


def write_database(path: Path, db_id: str, tables: dict[str, list[tuple]]) -> None:
    """Create `path` (replacing it) with the schema of `db_id` and the given rows."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(SCHEMAS[db_id])
        for table, rows in tables.items():
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        conn.commit()
        bad = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not bad, f"foreign key violations in {db_id}: {bad[:5]}"
    finally:
        conn.close()
    os.replace(tmp, path)
