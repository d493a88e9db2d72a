SELECT count(*) FROM stadium WHERE name  = "Song_Name"
SELECT name , country , age FROM singer ORDER BY age DESC LIMIT 1
SELECT name , country , age FROM singer ORDER BY age DESC LIMIT 1
SELECT Country FROM singer ORDER BY Age DESC LIMIT 1
SELECT country FROM stadium ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM singer GROUP BY country
SELECT stadium_name , count(*) FROM stadium ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM stadium ORDER BY count(*) DESC LIMIT 1
SELECT stadium_name FROM stadium
SELECT country FROM stadium ORDER BY age DESC LIMIT 1
SELECT stadium_name FROM stadium ORDER BY year DESC LIMIT 1
SELECT name , theme , count(Song_Name) FROM concert GROUP BY name ORDER BY count(*) DESC LIMIT 1
SELECT singer_name , count(*) FROM singer ORDER BY count(*) DESC LIMIT 1
SELECT name , country FROM singer ORDER BY title ASC LIMIT 1
SELECT count(*) FROM stadium ORDER BY capacity DESC LIMIT 1
SELECT weight FROM Pets WHERE age  < 3
SELECT count(*) FROM Pets WHERE age > 20
SELECT major , age FROM Student WHERE age  < 100 AND age  > 100
SELECT age FROM Student WHERE age  =  "1001"
SELECT STUID FROM Students WHERE pet_age  < 2  AND pet_age  < 3
SELECT pet_weight FROM Pets WHERE pet_age  < 3
SELECT pet_age FROM Pets WHERE age > 1
SELECT age, age FROM Pets GROUP BY age ORDER BY age DESC LIMIT 1
SELECT pet_weight FROM Pets GROUP BY pet_weight ORDER BY weight DESC LIMIT 1
SELECT pet_id FROM Pets WHERE pet_type  = 'cat'
SELECT pet_id FROM Pets WHERE pet_type  = 'cat'
SELECT count(*) FROM Pets WHERE studentid  = 1001
SELECT pet_age FROM Pets WHERE pet_age  = 3
SELECT count(*) FROM countries
SELECT car_name FROM cars_data WHERE  car_name  =  "1970"
SELECT model FROM cars_data WHERE year  > 1980
SELECT count(*) FROM car_names WHERE Continent  = "continent"
SELECT Continent ,  Mapper FROM cars_data GROUP BY Continent ORDER BY  Mapper DESC
SELECT country FROM car_makers ORDER BY country DESC LIMIT 1
SELECT  M.Maker ,  M.M.M.FullName FROM car_models AS M  JOIN cars_data AS D  ON D.M.M.Id  =  M.M.Id  WHERE  D.M.M.FullName  =  M.M.FullName  ORDER BY  D.M.M.Id DESC LIMIT 3
SELECT count(*) FROM cars_data WHERE Make = 'USA'
SELECT count(*) FROM cars_data WHERE Make = 'US'
SELECT country FROM cars_data WHERE country  = 'usa'
SELECT count(*) FROM cars_data WHERE horsepower > 150
SELECT country FROM car_manufacturers JOIN countries ON car_manufacturers.country_name  =  "Europe" ORDER BY country DESC LIMIT 3
SELECT M.Maker FROM car_names AS M JOIN manufacturers AS N ON N.Maker  =  M.Maker  WHERE  N.M.  = 3
SELECT AVG(Horsepower) FROM cars_data GROUP BY  HORNBPAD  ORDER BY  AVG(Horsepower) DESC LIMIT 3
SELECT MAX(Cycle) FROM cars_data WHERE Cylinders > 1 OR Cylinders  < 2
SELECT MAX(Cycle) FROM cars_data WHERE Cylinders > 18
SELECT model FROM cars_data WHERE make  =  "18"
SELECT model FROM cars_data WHERE model_name  =  "car_names"
SELECT count(*) FROM cars_data WHERE  M.Mercies  > 4
SELECT count(*) FROM car_models WHERE Mapper  =  "american_motor_company"
SELECT M  FROM cars_data WHERE  M    =  "M  " AND  M    =  "G  " AND  M    =  "N  " AND  M    =  "N  " AND  M    =  "N  " AND  M    =  "N  " OR  "N  " OR  M    =  "N  " OR  M    =  "N  " OR  M    =  "N  " OR  M    =  "N  " OR  M    =  "N  " OR  M    =  "N  " OR  M
SELECT year FROM cars_data WHERE weight  < 4000 OR weight  > 3000
SELECT count(*) FROM cars_data WHERE horsepower ORDER BY horsepower DESC LIMIT 1
SELECT count(*) FROM cars_data WHERE M.Mercies  = 6
SELECT count(*) FROM cars_data WHERE M.Mercies  = 6
SELECT model FROM cars_data WHERE horsepower  =  "18"
SELECT make_id , name FROM cars_data WHERE horsepower  < 4
SELECT model FROM cars_data WHERE weight  < 3500
SELECT country FROM cars_data WHERE country  = "fiat"
SELECT airline FROM airline ORDER BY Abbreviation DESC LIMIT 1
SELECT city FROM airports WHERE city = 'Anthony'
SELECT city, AirportName FROM airports WHERE Airline = "A" AND City = "A"
SELECT count(*) FROM flights
SELECT airline FROM airlines WHERE airmail AS T1 JOIN airports AS T2 ON T1.Airline  = T2.Airline AND T1.AirportCode  =  T2.AirportCode
SELECT airline FROM airlines WHERE airline = 'UAL'
SELECT city , country FROM airports WHERE city  =  "Aberdeen"
SELECT count(*) FROM flights WHERE SourceAirport =  City AND DestAirport =  City
SELECT count(*) FROM flights WHERE SourceAirport = 28 AND DestAirport = 29
SELECT count(*) FROM flights
SELECT count(*) FROM flights WHERE Airline = 'AHD'
SELECT count(*) FROM flights WHERE SourceAirport =  'Aberdeen'
SELECT  Airports AS "AirportCode" ,  Flights AS "FlightNo" FROM airports WHERE Airports AS "AirportCode"  ORDER BY  FLOWS ASC
SELECT airline FROM flights WHERE sourceairport = 28 AND destinationairport = 49
SELECT  airlines  FROM airlines WHERE airline  =  'AHD'
SELECT airline FROM airlines WHERE airline  = 'APG' OR airline  = 'CVO'
SELECT FLAG(Airline) AS DEST FROM airlines WHERE FLAG(Airline) =  APG AND FLAG(Airline) =  CVO
SELECT airline FROM airlines WHERE airline  =  'CVO' OR airline  =  'APG'
SELECT airline FROM airlines WHERE 10  > 10
SELECT flightNumber FROM flights WHERE Airline = "United Airlines"
SELECT DISTINCT flight FROM flights WHERE Airline = "APG"
SELECT DISTINCT flight_number FROM flights WHERE Airline = "Aberdeen"
SELECT count(*) FROM employee
SELECT name FROM employee ORDER BY age ASC
SELECT count(*) FROM employee WHERE city  =  "Bristlekoski"
SELECT count(*) FROM shop WHERE city  =  "Bristle"
SELECT manager FROM shop ORDER BY number_products DESC LIMIT 1
SELECT name FROM shopping_products WHERE number_products  > 3
SELECT Employee_ID FROM evaluation WHERE Employee_ID  =  "1"
SELECT Employee_ID FROM evaluation WHERE Employee_ID  =  "1"
SELECT TOTAL_Bonus FROM evaluation WHERE Employee_ID  =  "1"
SELECT count(*) FROM evaluation
SELECT count(*) FROM documents
SELECT Document_ID , Document_Name , Document_Description FROM documents WHERE template_type_code  =  "PPT"
SELECT count(*) FROM Ref_Template_Types WHERE Template_Type_Code  =  "1"
SELECT count(*) FROM Templates WHERE Template_Type_Code  =  'PPT'
SELECT template_type_code FROM Ref_Template_Types WHERE template_type_code =  "1"
SELECT template_id , 1 FROM Ref_Template_Types WHERE template_type_code  =  "Templates"
SELECT  template_id FROM Ref_Template_Types WHERE template_type_code  =  "PPT" AND template_type_description  =  "PPT" AND template_id  =  "1"
SELECT Template_ID FROM Templates WHERE Template_Type_Code NOT IN (SELECT Template_Type_Code FROM documents WHERE template_type_code = 9 )
SELECT template_id , version_number , template_type_code FROM Ref_Template_Types WHERE template_type_code  =  "1"
SELECT template_id , version_number , template_type_code , date_effective_from , date_effective_to , template_type_code , date_detail FROM Ref_Template_Types GROUP BY template_type_code ORDER BY date_detail DESC LIMIT 1
SELECT count(*) FROM Ref_Template_Types WHERE Template_Type_Code =  "CV"
SELECT template_type_code FROM Ref_Template_Types WHERE template_type_code  =  "PPT"
SELECT template_type_code FROM Ref_Template_Types WHERE Template_Type_Code =  "PPT"
SELECT  template_type_code ,  template_type_description FROM Ref_Template_Types JOIN Templates ON Ref_Template_Types.Template_Type_Code  =  template_type_code GROUP BY template_type_code ORDER BY  template_type_description DESC LIMIT 1
SELECT template_type FROM Ref_Template_Types WHERE template_type_code  =  "PPT"
SELECT template_type_code FROM Ref_Template_Types WHERE template_type_code = AD
SELECT template_type_code FROM Ref_Template_Types WHERE template_type_code =  "Book"
SELECT count(*) FROM Paragraphs
SELECT DISTINCT Paragraph_ID FROM Paragraphs WHERE Document_Name  = 'Summer Show'
SELECT document_id FROM paragraphs WHERE document_name  = 'Welcome to NY'
SELECT Document_ID ,  Document_Name FROM Paragraphs WHERE Document_ID  =  "Welcome to NY"
SELECT document_name FROM Paragraphs WHERE document_name  = 'Customer Reviews'
SELECT Document_ID FROM Paragraphs WHERE Document_ID  = 2
SELECT Document_ID FROM Paragraphs WHERE Document_ID  = 1 AND Document_ID  = 2
SELECT Document_ID FROM Paragraphs WHERE Document_ID  < 2 AND Document_ID  > 3
SELECT Document_ID FROM Paragraphs WHERE Brazil =  'Brazil' AND Ireland =  'Ireland'
SELECT Document_ID FROM Paragraphs WHERE Brazil =  'Brazil' AND IRIFEBREAL =  'Ireland'
SELECT age , hometown FROM teacher ORDER BY age DESC LIMIT 1
SELECT T1.Name FROM teacher AS T1 JOIN course AS T2 ON T1.T1_ID  =  T2.T1_ID WHERE T2.T2_ID  =
SELECT T1.Name FROM teacher T1 JOIN ( SELECT T2.Name FROM teacher T2 JOIN ( SELECT T3.Grade FROM teacher T3 JOIN ( SELECT T4.Grade FROM teacher T4 JOIN ( SELECT T5.Grade FROM teacher T5 JOIN ( SELECT T6.Grade FROM teacher T6 JOIN ( SELECT T7.Grade FROM teacher T7 JOIN ( SELECT T8.Grade FROM teacher T8 JOIN ( SELECT T9.Grade FROM teacher T9 JOIN ( SELECT T10.Grade FROM teacher T10 JOIN ( SELECT T11.Grade FROM teacher T11 JOIN ( SELECT T12.Grade FROM teacher T12 JOIN ( SELECT T13.Grade FROM teacher T1
SELECT T1.Grade FROM teacher AS T1 JOIN course AS T2 ON T1.Grade  =  T2.Grade WHERE T1.T1.T2.T1  =
SELECT name FROM teacher WHERE grade  = 5
SELECT T1.Name FROM teacher AS T2 JOIN course AS T1 ON T2.Course_ID  =  T1.Course_ID WHERE T2.Grade  = 2
SELECT T1.Name FROM teacher AS T1 JOIN course AS T2 ON T1.Course_ID  =  T2.Course_ID WHERE T2.Grade  =
SELECT name FROM visit ORDER BY level ASC
SELECT MAX(staff_members) FROM museum WHERE staff_members_count  > 1
SELECT MAX(Museum_ID) AS "Museum_ID" , 2 , 1 , 3
SELECT T1.id , T1.name , T1.num_of_ticket , T1.membership_level FROM visit AS T1 JOIN museum AS T2 ON T1.id  =  T2.id WHERE T1.membership_level  >   1
SELECT count(*) FROM death GROUP BY count(*) ORDER BY count(*) DESC LIMIT 1
SELECT id , name FROM battle WHERE tonnage  < 10 AND battle_type  < 1 AND battle_type  < 2
SELECT ship_id , name FROM ship WHERE tonnage  > 13
SELECT name , DISTINCT T1.bulgarian_commander , DISTINCT T2.latin_commander , DISTINCT T3.battle , DISTINCT T4.battle , DISTINCT T5.battle , DISTINCT T6.battle , DISTINCT T7.battle , DISTINCT T8.battle , DISTINCT T9.battle , DISTINCT T10.battle , DISTINCT T11.battle , DISTINCT T12.battle , DISTINCT T13.battle , DISTINCT T14.battle , DISTINCT T
SELECT `math_description` FROM math_description WHERE `math_description`  =  'Math Course'
SELECT description FROM Transcript_Contents WHERE math_courses  =  "Math"
SELECT department_name FROM Degree_Programs ORDER BY department_id DESC LIMIT 3
SELECT department_name FROM degrees ORDER BY number OF DEGREE DESC LIMIT 1
SELECT DISTINCT (SELECT DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(DISTINCT ( SELECT MAX(D
SELECT count(*) FROM degrees
SELECT name FROM sections WHERE section_name  ORDER BY description ASC
SELECT SEPT.name FROM sections AS SEPT JOIN sections AS T1 ON T1.section_name  = SEPT.section_name WHERE T1.section_name  =  T2.section_name
SELECT student_course_id FROM Transcript_Contents WHERE student_course_id  > 1
SELECT department_name FROM Departments WHERE department_name  = "Computer Science"
SELECT DISTINCT student_course_id ,  degree_program_id FROM students WHERE degree_program_id  > 3 AND degree_course_id  > 3
SELECT student_course_id , 1 , 2 , 3 , 4 , 5 , 6 , 7 , 8 , 9 , 10 , 11 , 12 , 13 , 14 , 15 , 16 , 17 , 18 , 19 , 20 , 21 , 22 , 23 , 24 , 25 , 26 , 27 , 28 , 30 , 31 , 32 , 33 , 34 , 35 , 36 , 37 , 38 , 39 , 40 , 41 , 4
SELECT semester_name FROM Students WHERE semester_name  =  "Semesters"
SELECT course_name FROM courses WHERE degree_program_id = 1
SELECT COUNT(*) FROM Transcript_Contents WHERE course_id  GROUP BY course_id
SELECT COUNT(*) FROM Transcript_Contents WHERE student_course_id  GROUP BY student_course_id
SELECT DISTINCT student_name FROM Students WHERE degree_program_id  = 3 AND degree_program_id  = 4
SELECT DISTINCT date_first_registered , 2 FROM Transcript_Contents WHERE date_first_registered > 2
SELECT first_name , middle_name , last_name FROM students WHERE first_name  = 'John' AND middle_name  = 'John'
SELECT first_name , middle_name , last_name FROM students WHERE  first_name  =  'John' AND middle_name  =  'John' AND last_name  =  'Smith'
SELECT first_name , middle_name , last_name FROM students ORDER BY first_name DESC LIMIT 1
SELECT first_name FROM Students WHERE degree_program_id  = 1 AND degree_program_id  = 2
SELECT MAX(student_course_id) FROM address WHERE line_1  > 1 AND line_2  > 1
SELECT count(*) FROM students WHERE current_address_id  = 3
SELECT student_detail FROM Transcript_Contents WHERE student_detail ORDER BY student_detail DESC LIMIT 1
SELECT `student_name` FROM Section WHERE `student_name`  =  'T1'
SELECT title FROM cartoon ORDER BY title ASC
SELECT DISTINCT DISTORIES.Title FROM Cartoon JOIN Ben Jones ON DISTINCT DISTORIES.id  =  DISTINCT  DISTORIES.id GROUP BY DISTINCT DISTORIES.title ORDER BY DISTINCT DISTORIES.title LIMIT 1
SELECT count(*) FROM Cartoon GROUP BY  COUNT(*) DESC
SELECT Title FROM Cartoon ORDER BY Title DESC LIMIT 1
SELECT TV_Channel FROM TV_Channel WHERE Country  = "China"
SELECT SHOWPATCH("id") FROM TV_Channel WHERE SHOWPATCH("id") ORDER BY SHOWPATCH("id") DESC LIMIT 1
SELECT count(*) FROM TV_Channel WHERE Country  = "English"
SELECT LANGUAGE FROM TV_Channel ORDER BY NUMBER_OF_LANGUAGE DESC LIMIT 1
SELECT LANGUAGE FROM TV_Channel WHERE LANGUAGE  =  "Italian"
SELECT LANGUAGE , 1 FROM TV_Channel WHERE LANGUAGE  = 'English'
SELECT TV_Channel FROM TV_Channel WHERE Title  = "The Rise of the Blue Beetle!"
SELECT TV_Channel FROM TV_Channel WHERE Title  = "The Rise of the Blue Beetle!"
SELECT DISTINCT (id) FROM TV_Series ORDER BY Rating DESC LIMIT 1
SELECT SUM(TV_Series.Share) AS Minimum FROM TV_Series GROUP BY TV_Series.Series_Name ORDER BY SUM(TV_Series.Pixel_aspect_ratio_PAR) DESC LIMIT 1
SELECT DISTINCT Episode FROM TV_Series WHERE Episode  = "A Love of a Lifetime"
SELECT Episode FROM TV_Channel WHERE Episode  =  "A Love of a Lifetime"
SELECT weekly_rank FROM TV_Channel WHERE Episode  =  "A Love of a Lifetime"
SELECT episode FROM TV_Series WHERE TV_Series_Name  = "Sky Radio"
SELECT DISTINCT (DISTINCT (DISTINCT (DISTINCT (SELECT DISTINCT (SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT DISTINCT ( SELECT
SELECT count(*) FROM cartoon GROUP BY DRAWN_BIRD ORDER BY DRAWN_BIRD DESC LIMIT 1
SELECT country FROM TV_Channel WHERE country  = "USA"
SELECT pixel_aspect_ratio FROM TV_Channel WHERE Country  = 'English'
SELECT TV_Channel FROM TV_Channel WHERE 2 < 3 AND 18_49_Rating_Share  ORDER BY 18_49_Rating_Share DESC LIMIT 1
SELECT DISTINCT Package_Option FROM TV_Channel WHERE Title  = "The Rise of the Blue Beetle!"
SELECT BETTUS_PER_ROW FROM poker_player GROUP BY BETTUS_PER_ROW ORDER BY BETTUS_PER_ROW DESC LIMIT 1
SELECT BEGINnings FROM people WHERE BEGINNING_Date  =  "2018-01-20"
SELECT PERSON FROM people WHERE PERSON  =  "Poker_Player_ID"
SELECT name FROM people WHERE people_id  =  "1"
SELECT BEGINnings FROM people WHERE BEGINNING_Date  =  "2018-01-26"
SELECT BEGINnings FROM people WHERE BEGINNING_Date  =  "2018-01-26"
SELECT T1.Height FROM people AS T1 JOIN poker_player AS T2 ON T1.People_ID  =  T2.People_ID WHERE T1.Height  =          T2.Height  =            T3.Money_Rank  =              T4.Money_Rank  =              T5.Money_Rank  =              T6.Money_Rank  =              T7.Money_Rank  =
SELECT PORN  FROM people WHERE  PORN  ORDER BY  Earnings DESC LIMIT 1
SELECT PERSON_NONUSABLE() AS "Numb" FROM people GROUP BY PERSON_NONUSABLE()
SELECT people FROM people WHERE nationality  IS NOT  TRUE
SELECT PERSON FROM people WHERE PERSON  LIKE '%poker_player%'
SELECT count(*) FROM people WHERE Nationality  = 'USA'
SELECT DATED(created) FROM VOTES WHERE state='CA'
SELECT count(*) FROM contestant_number ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM VOTES WHERE state =  'NY' OR state =  'CA'
SELECT area_code FROM VOTES WHERE contestant_number = 3
SELECT continent FROM countrylanguage WHERE countrycode =  'Anguilla'
SELECT Language FROM countrylanguage WHERE CountryCode =  'Aruba'
SELECT Language FROM countrylanguage WHERE CountryCode =  'Aruba'
SELECT Region FROM countrylanguage WHERE Population  =  'Angola'
SELECT country FROM country WHERE lifeExpectancy < 0.00
SELECT MAX(GNP) FROM country
SELECT count(*) FROM city WHERE countrycode =  'Gelderland'
SELECT GNP ,  T FROM nation ORDER BY T DESC LIMIT 1
SELECT count(*) FROM countrylanguage GROUP BY countrylanguage GROUP BY language GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population GROUP BY population
SELECT count(*) FROM countrylanguage WHERE IsOfficial =  'F'
SELECT COUNT(*) FROM countrylanguage WHERE IS_ALIED(CountryCode) =  'Afgaraw'
SELECT COUNT(*) FROM countrylanguage WHERE IS_ALIED(CountryCode)  =  'Afgaraw'
SELECT  COUNT(*) FROM countrylanguage WHERE  COUNT(*)  =  SELECT  COUNT(*) FROM country
SELECT COUNT(*) FROM country
SELECT Language FROM countrylanguage WHERE CountryCode =  'Asia'
SELECT city FROM city WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT population FROM countrylanguage WHERE population  >  SELECT
SELECT COUNT(*) FROM countrylanguage GROUP BY  CountryLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP BY  OfficialLanguage GROUP
SELECT country FROM country ORDER BY surfacearea DESC LIMIT 1
SELECT population FROM country WHERE population  > 1.0
SELECT city FROM countrylanguage WHERE English is NOT  'F'
SELECT countryname ,  count(*) FROM countrylanguage GROUP BY countrylanguage GROTDOWN  FROM country
SELECT  `lifeExpectancy` ,  FROM city ORDER BY  `lifeExpectancy` DESC LIMIT 1
SELECT  COUNT(*) FROM government_forms WHERE  population > 72 AND  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population > 72 OR  population
SELECT name ,  population FROM country ORDER BY surfacearea DESC LIMIT 1
SELECT name FROM countrylanguage WHERE population  < 3
SELECT count(*) FROM country
SELECT CountryCode ,  Language FROM country ORDER BY Percentage DESC LIMIT 1
SELECT count(*) FROM conductor WHERE  Conductor_ID  =  "1"
SELECT name FROM conductor WHERE nationality  IS NOT  "USA"
SELECT name FROM conductor WHERE nationality  = 'USA'
SELECT count(*) FROM conductor WHERE Nationality  = 'USA'
SELECT DISTINCT conductor FROM conductor ORDER BY year_of_work DESC LIMIT 1
SELECT name FROM conductor ORDER BY age LIMIT 1
SELECT name FROM conductor WHERE name  = "Antal Doráti"
SELECT name FROM conductor ORDER BY count(*) DESC LIMIT 1
SELECT DISTINCT conductor FROM show WHERE num_conductors = 1
SELECT count(*) FROM orchestra GROUP BY orchestra GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company GROUP BY record_company
SELECT count(*) FROM orchestras
SELECT Major_Record_Format FROM orchestras ORDER BY Major_Record_Format DESC LIMIT 1
SELECT 1 FROM orchestra WHERE  ORDER BY  Nationality DESC LIMIT 1
SELECT count(*) FROM orchestras
SELECT year FROM orchestra ORDER BY year DESC LIMIT 1
SELECT count(*) FROM Highschooler WHERE name  =  'Jordan'
SELECT name , grade FROM Highschooler WHERE grade  = 9
SELECT kyle_id FROM Highschooler WHERE id = 1510
SELECT count(*) FROM Highschooler WHERE grade  = 9 ORDER BY grade  DESC LIMIT 1
SELECT count(*) FROM Highschooler GROUP BY grade ORDER BY count(*) DESC LIMIT 1
SELECT count(*) FROM Highschooler GROUP BY grade ORDER BY count(*) DESC LIMIT 1
SELECT grade FROM Highschooler WHERE grade  > 9 AND grade  < 16
SELECT student_id , count(*) FROM Highschooler GROUP BY student_id ORDER BY count(*) DESC LIMIT 1
SELECT name FROM Highschooler WHERE grade  = 9
SELECT name FROM Highschooler WHERE 3 < 3 * 10000
SELECT name FROM Highschooler WHERE grade  = 9
SELECT count(*) FROM Friend WHERE student_id  = 1510 AND grade  = 9
SELECT student_id FROM Highschooler JOIN Friend ON student_id  = 1510 WHERE liked_id  = 1689
SELECT count(*) FROM Likes GROUP BY student_id
SELECT name FROM Highschooler WHERE grade  = 9
SELECT name FROM Friend WHERE liked_id  = 2
SELECT name FROM Highschooler WHERE 2 OR 3 AND 1 OR 2
SELECT count(*) FROM likes WHERE student_id  = 1510
SELECT AVG(grade) FROM Highschooler GROUP BY grade ORDER BY grade DESC LIMIT 1
SELECT grade FROM Highschooler WHERE grade < 9
SELECT age FROM treatment_types WHERE treatment_type_code = 'treatment_type_code'
SELECT DISTINCT professional_id , DISTINCT last_name , DISTINCT last_name , DISTINCT COUNT(*) FROM treatment_types WHERE treatment_type_code = 'treatment_type_code'
SELECT dog_name FROM dogs WHERE cost_treatment > 1000
SELECT dog_name FROM dogs WHERE treatment_type_code  > 100 AND treatment_type_code  < 100
SELECT first_name FROM dogs WHERE dog_id  =  '1'
SELECT first_name FROM dogs WHERE dog_id  IS NULL
SELECT professional_id FROM dogs WHERE dog_id  =  "1"
SELECT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTIN
SELECT owner_id , first_name , last_name , dog_id ,  dog_id FROM dogs GROUP BY owner_id ORDER BY dog_id DESC LIMIT 1
SELECT owner_id ,  first_name ,  last_name ,  dog_id ,  dog_id FROM dogs GROUP BY owner_id ORDER BY dog_id DESC LIMIT 1
SELECT DISTINCT DISTINCT T1.professional_id , DISTINCT T1.role_code , T1.first_name , T1.street , T1.city , T1.state , T1.zip_code , T1.date_of_birth , T1.gender , T1.weight , T1.age , T1.date_of_birth , T1.city , T1.zip_code , T1.cell_number , T1.last_name , T1.last_name , T1.gender , T1.age , T1.date_arrived , T1.date_departed , T1.date_adopted , T1.
SELECT DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_treatment",  DATE(date_of_treatment) AS "date_of_
SELECT first_name , last_name , size , dog_id , dog_id FROM dogs WHERE dog_id = 10
SELECT dog_name , treatment_date FROM dogs WHERE treatment_date  =  '2021-01-28'
SELECT dog_name FROM dogs WHERE owner_id =  '1'
SELECT DATE(date_of_treatment) AS date_date FROM dogs WHERE dog_id =  '1'
SELECT DISTINCT owner_id FROM dogs WHERE dog_id =  "1"
SELECT count(*) FROM dogs WHERE treatment_type_code =  "treatment_type_code"
SELECT count(*) FROM dogs WHERE dog_id  =  ?
SELECT street FROM Treatment_Types WHERE city  = 'West'
SELECT count(*) FROM dogs WHERE age > 30
SELECT count(*) FROM dogs WHERE age > 30
SELECT DATE(date_of_treatment) FROM treatments WHERE treatment_type_code = 'most_recent_treatment_cost'
SELECT count(*) FROM Treatment_Types WHERE treatment_type_code =  'treatment_type_code'
SELECT count(*) FROM dogs WHERE dog_id  IS NULL
SELECT age FROM dogs WHERE dog_id  =  "10000"
SELECT charge_type, amount FROM charges WHERE charge_type = 'cost_of_treatment'
SELECT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTINCT DISTIN
SELECT breed_type , size_type FROM dogs WHERE breed_type  =  'dog' AND size_type  =  'size_type'
SELECT first_name , treatment_type_code , treatment_description FROM dogs WHERE treatment_type_code =  'treatment_type_code'
SELECT count(*) FROM singer WHERE Name  = 'Singer'
SELECT name FROM singer ORDER BY net_worth DESC LIMIT 1
SELECT SUM(Sales) FROM singer GROUP BY SUM(Sales) ORDER BY SUM(Sales) DESC LIMIT 1
SELECT SINGER_SATURATION ,  SINGER_SALATION FROM singer GROUP BY SINGER_SATURATION ORDER BY SINGER_SALATION DESC LIMIT 1
SELECT SUM(Song_Fitness) FROM singer GROUP BY SINGER_FITTER ORDER BY SUM(Song_Fitness) DESC LIMIT 1
SELECT SUM(Sales) FROM singer GROUP BY SONG_ID
SELECT SUM(Song_ID)  ,  SUM(Song_ID) FROM singer WHERE SUM(Song_ID)  >
SELECT S.Song_ID ,  S.Song_ID FROM song AS S  JOIN singer AS S ON S.Singer_ID  =  S.Singer_ID WHERE  S.Song_ID  !=      ORDER BY  S.Song_ID DESC LIMIT 1
SELECT feature_type_name FROM REF_Feature_Types WHERE feature_type_code =  'AirCon'
SELECT property_type_description FROM REF_Property_Types WHERE feature_type_code =  "Ref_Property_Types"
SELECT property_name FROM Other_Property_Features WHERE house_type_code =  "house" AND apartment_type_code =  "apartment_type_code"
