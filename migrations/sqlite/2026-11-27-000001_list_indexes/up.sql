-- The supplier list filtered by business unit, in code order, with the
-- region and the search: counted from the index alone and paged without
-- sorting the unit's rows.
CREATE INDEX suppliers_list ON suppliers(business_unit, code, country, search_text);
